package dev.delayqueue;

/**
 * Redis could not be reached or did not answer in time; the operation may or may not have taken effect. Scheduling
 * again with the same topic and id is safe: it replaces the job.
 *
 * @since 0.1.0
 */
public class DelayQueueUnavailableException extends DelayQueueException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what could not be done
	 * @param cause the Redis error
	 */
	public DelayQueueUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates an exception without an underlying error.
	 * @param message what could not be done
	 */
	protected DelayQueueUnavailableException(String message) {
		super(message);
	}

}
