package dev.delayqueue;

/**
 * Thrown by a handler when retrying cannot help (bad data, a state that will not change): the job goes straight to
 * the dead state with this exception's message as its error, whatever attempts are left.
 *
 * @since 0.1.0
 */
public class NonRetryableJobException extends DelayQueueException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message why the job cannot succeed
	 */
	public NonRetryableJobException(String message) {
		super(message);
	}

	/**
	 * Creates an exception.
	 * @param message why the job cannot succeed
	 * @param cause the underlying failure
	 */
	public NonRetryableJobException(String message, Throwable cause) {
		super(message, cause);
	}

}
