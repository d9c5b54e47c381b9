package dev.delayqueue.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnboundTopicPropertyException} in Spring Boot's startup failure report.
 */
final class UnboundTopicPropertyFailureAnalyzer extends AbstractFailureAnalyzer<UnboundTopicPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnboundTopicPropertyException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.fix(), cause);
	}

}
