package dev.delayqueue.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.delayqueue.TestRedis;
import dev.delayqueue.web.HttpQueueEndpoint;
import dev.delayqueue.web.JobEndpoint;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.servlet.function.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class DelayQueueWebAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class, DelayQueueWebAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(), "delayqueue.worker.enabled=false");

	@Test
	void anOpenServerIsAWarningAtStartup(CapturedOutput output) {
		String warning = "delayqueue's HTTP endpoints are open";
		this.runner.withPropertyValues("delayqueue.web.enabled=true")
			.run((context) -> assertThat(output.getOut()).contains(warning)
				.contains("delayqueue.http.deny-private-networks=true"));
		int open = count(output.getOut(), warning);
		this.runner.withPropertyValues("delayqueue.web.enabled=true", "delayqueue.http.allowed-hosts=*")
			.run((context) -> assertThat(count(output.getOut(), warning)).as("* limits nothing").isEqualTo(open + 1));
		for (String closing : List.of("delayqueue.web.token=0123456789abcdef0", "delayqueue.http.allowed-hosts=*.example.com",
				"delayqueue.http.deny-private-networks=true")) {
			int before = count(output.getOut(), warning);
			this.runner.withPropertyValues("delayqueue.web.httpqueue.enabled=true", closing)
				.run((context) -> assertThat(count(output.getOut(), warning)).as(closing).isEqualTo(before));
		}
		int before = count(output.getOut(), warning);
		this.runner.run((context) -> assertThat(count(output.getOut(), warning)).as("endpoints off").isEqualTo(before));
	}

	private static int count(String text, String part) {
		return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
	}

	@Test
	void endpointsAreOffByDefault() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(JobEndpoint.class)
			.doesNotHaveBean(HttpQueueEndpoint.class)
			.doesNotHaveBean(RouterFunction.class));
	}

	@Test
	void eachFamilyIsEnabledOnItsOwn() {
		this.runner.withPropertyValues("delayqueue.web.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(JobEndpoint.class)
				.doesNotHaveBean(HttpQueueEndpoint.class)
				.hasSingleBean(RouterFunction.class));
		this.runner.withPropertyValues("delayqueue.web.httpqueue.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(HttpQueueEndpoint.class)
				.doesNotHaveBean(JobEndpoint.class));
	}

	@Test
	void backsOffOutsideSpringMvc() {
		this.runner.withPropertyValues("delayqueue.web.enabled=true")
			.withClassLoader(new FilteredClassLoader(RouterFunction.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JobEndpoint.class));
	}

	@Test
	void aShortTokenFailsTheStartupNamingTheProperty() {
		this.runner.withPropertyValues("delayqueue.web.enabled=true", "delayqueue.web.token=short")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.web.token")
				.hasMessageContaining("at least 16 characters"));
	}

}
