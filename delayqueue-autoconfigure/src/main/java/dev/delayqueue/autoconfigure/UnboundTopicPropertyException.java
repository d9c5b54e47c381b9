package dev.delayqueue.autoconfigure;

/**
 * Thrown at startup for a {@code delayqueue.topics.*} key that binds to nothing.
 *
 * @since 0.1.0
 */
public class UnboundTopicPropertyException extends IllegalStateException {

	private final String property;

	private final String fix;

	UnboundTopicPropertyException(String property, String topic, String key, String fix) {
		super("Property " + property + " binds to nothing: topic '" + topic + "' has no setting '" + key + "'. " + fix);
		this.property = property;
		this.fix = fix;
	}

	/**
	 * Returns the property that binds to nothing.
	 * @return its name
	 */
	public String property() {
		return this.property;
	}

	/**
	 * Returns what to write instead.
	 * @return the fix
	 */
	public String fix() {
		return this.fix;
	}

}
