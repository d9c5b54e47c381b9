package dev.delayqueue;

/**
 * Base class of the exceptions delayqueue throws.
 *
 * @since 0.1.0
 */
public class DelayQueueException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what went wrong
	 * @param cause the underlying failure, if any
	 */
	public DelayQueueException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates an exception.
	 * @param message what went wrong
	 */
	public DelayQueueException(String message) {
		super(message);
	}

}
