package dev.delayqueue.autoconfigure;

import dev.delayqueue.handler.HandlerDefinitionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link HandlerDefinitionException} in Spring Boot's startup failure report.
 */
final class DelayQueueFailureAnalyzer extends AbstractFailureAnalyzer<HandlerDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, HandlerDefinitionException cause) {
		return new FailureAnalysis("A @DelayedJobHandler method cannot be used.\n\n    Handler: " + cause.handler()
				+ "\n    Problem: " + cause.problem(), cause.fix() + ".", cause);
	}

}
