package dev.delayqueue.autoconfigure;

/**
 * A secret property (a token, a password) whose value cannot be used. Thrown instead of Boot's
 * {@code InvalidConfigurationPropertyValueException}, whose failure report prints the value it reads from the
 * environment: this one names the property and the rule, never the value.
 */
final class SecretPropertyException extends RuntimeException {

	private final String property;

	private final String reason;

	SecretPropertyException(String property, String reason) {
		super(property + " cannot be used (its value is not shown): " + reason);
		this.property = property;
		this.reason = reason;
	}

	String property() {
		return this.property;
	}

	String reason() {
		return this.reason;
	}

}
