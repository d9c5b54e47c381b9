package dev.delayqueue;

/**
 * A job body (or an HTTP request carrying one) is larger than allowed; nothing was stored. The HTTP endpoints
 * answer it with {@code 413}.
 *
 * @since 0.1.0
 */
public class JobTooLargeException extends InvalidJobException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param field the field that is too large, for example {@code body}
	 * @param rule the rule, for example {@code must be at most 1048576 bytes of JSON, was 2000000}
	 */
	public JobTooLargeException(String field, String rule) {
		super(field, rule);
	}

}
