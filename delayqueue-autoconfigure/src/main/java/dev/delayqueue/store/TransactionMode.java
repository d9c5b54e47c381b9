package dev.delayqueue.store;

/**
 * When {@code schedule}, {@code scheduleAll}, {@code reschedule} and {@code cancel} called inside an active
 * Spring-managed transaction write to Redis.
 *
 * @since 0.1.0
 */
public enum TransactionMode {

	/**
	 * After the transaction commits, in the order they were called, and not at all when it rolls back. Outside a
	 * transaction, at once.
	 */
	AFTER_COMMIT,

	/** At once, whatever transaction is active: Redis is not part of it. */
	IMMEDIATE

}
