package dev.delayqueue.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link SecretPropertyException} in Spring Boot's startup failure report, without its value.
 */
final class SecretPropertyFailureAnalyzer extends AbstractFailureAnalyzer<SecretPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SecretPropertyException cause) {
		return new FailureAnalysis("The configuration property '" + cause.property()
				+ "' cannot be used (its value is a secret and not shown):\n\n    " + cause.reason(),
				"Change or remove " + cause.property() + ".", cause);
	}

}
