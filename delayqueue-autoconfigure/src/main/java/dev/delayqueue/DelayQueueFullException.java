package dev.delayqueue;

/**
 * Redis refused a write because it is full: {@code maxmemory} is reached and its {@code maxmemory-policy} is
 * {@code noeviction} (the only policy that never deletes jobs). New jobs are refused until memory is freed;
 * deliveries, cancels and purges go on (they free memory). Nothing was written.
 *
 * @since 0.1.0
 */
public class DelayQueueFullException extends DelayQueueUnavailableException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what could not be done, and why
	 * @param cause the Redis error
	 */
	public DelayQueueFullException(String message, Throwable cause) {
		super(message, cause);
	}

}
