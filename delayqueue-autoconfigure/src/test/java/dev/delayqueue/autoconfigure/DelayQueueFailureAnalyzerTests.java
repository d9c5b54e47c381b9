package dev.delayqueue.autoconfigure;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.delayqueue.handler.HandlerDefinitionException;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class DelayQueueFailureAnalyzerTests {

	@Test
	void explainsTheProblemAndTheFix() {
		HandlerDefinitionException ex = new HandlerDefinitionException("orderJobs (Jobs.cancel(String, String))",
				"more than one parameter would take the job's body", "keep one body parameter");
		FailureAnalysis analysis = new DelayQueueFailureAnalyzer()
			.analyze(new BeanCreationException("orderJobs", "Initialization failed", ex));
		assertThat(analysis.getDescription()).contains("Handler: orderJobs (Jobs.cancel(String, String))")
			.contains("Problem: more than one parameter would take the job's body");
		assertThat(analysis.getAction()).isEqualTo("keep one body parameter.");
		assertThat(new DelayQueueFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void isRegistered() throws Exception {
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring.factories")) {
			assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
				.contains(DelayQueueFailureAnalyzer.class.getName());
		}
	}

}
