package dev.delayqueue;

/**
 * A job request broke a rule; nothing was stored. {@link #field()} names the offending field and the message
 * states the rule.
 *
 * @since 0.1.0
 */
public class InvalidJobException extends DelayQueueException {

	private static final long serialVersionUID = 1L;

	private final String field;

	/**
	 * Creates an exception for a field that broke a rule.
	 * @param field the field, for example {@code topic}
	 * @param rule the rule it broke, for example {@code must not be empty}
	 */
	public InvalidJobException(String field, String rule) {
		super(field + " " + rule);
		this.field = field;
	}

	/**
	 * Returns the name of the field that broke a rule.
	 * @return the field name
	 */
	public String field() {
		return this.field;
	}

}
