package dev.delayqueue.http;

import dev.delayqueue.DelayQueueException;
import dev.delayqueue.SuccessContract;

/**
 * A callback did not succeed: no connection, no answer in time, or an answer that breaks the job's
 * {@link SuccessContract}. The job is tried again with its backoff, or goes to the dead state after its last
 * attempt; the message becomes the job's {@code lastError}.
 *
 * @since 0.1.0
 */
public class CallbackFailedException extends DelayQueueException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what went wrong, naming the URL
	 */
	public CallbackFailedException(String message) {
		super(message);
	}

	/**
	 * Creates an exception.
	 * @param message what went wrong, naming the URL
	 * @param cause the underlying failure
	 */
	public CallbackFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
