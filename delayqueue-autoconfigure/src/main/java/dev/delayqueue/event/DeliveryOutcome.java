package dev.delayqueue.event;

/**
 * How a delivery ended, once its outcome is written to Redis.
 *
 * @since 0.1.0
 */
public enum DeliveryOutcome {

	/** The handler returned (the callback's answer met its success contract): the job is gone. */
	SUCCESS,

	/** The delivery failed, or asked to run later; the job is pending again for another attempt. */
	RETRY,

	/** The job went to the dead state. */
	DEAD,

	/** The job was given back without running to its end (shutdown), its attempt not counted. */
	RELEASED,

	/**
	 * An occurrence of a recurring job that skips missed occurrences was found too late and not run; the next
	 * occurrence replaced it.
	 * @since 0.2.0
	 */
	SKIPPED

}
