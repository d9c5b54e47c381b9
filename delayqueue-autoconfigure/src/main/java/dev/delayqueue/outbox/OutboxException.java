package dev.delayqueue.outbox;

import dev.delayqueue.DelayQueueException;

/**
 * The outbox table could not be written: the application's transaction should roll back.
 *
 * @since 0.2.0
 */
public class OutboxException extends DelayQueueException {

	/**
	 * Creates the exception.
	 * @param message what could not be written
	 * @param cause the database's error
	 */
	public OutboxException(String message, Throwable cause) {
		super(message, cause);
	}

}
