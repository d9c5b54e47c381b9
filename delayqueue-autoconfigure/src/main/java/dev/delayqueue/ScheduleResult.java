package dev.delayqueue;

/**
 * What scheduling a job did.
 *
 * @since 0.1.0
 */
public enum ScheduleResult {

	/** No job with this topic and id existed; it was created. */
	CREATED,

	/** A pending job with this topic and id was replaced: new due time and body, attempts reset to 0. */
	REPLACED_PENDING,

	/**
	 * A job with this topic and id was being delivered; the new version replaces it and is delivered at its due
	 * time. The running delivery is not interrupted, and its outcome (success or failure) is ignored.
	 */
	REPLACED_IN_FLIGHT,

	/** A dead job with this topic and id was replaced by the new version, pending again. */
	REPLACED_DEAD,

	/** {@link JobRequest#ifAbsent() ifAbsent} was asked and a job with this topic and id existed; nothing changed. */
	ALREADY_EXISTS,

	/**
	 * Called inside a Spring-managed transaction: the job is written when the transaction commits, and not at all
	 * when it rolls back ({@code delayqueue.transaction.mode}); what it does then goes to the listeners.
	 */
	AFTER_COMMIT;

	/**
	 * Returns whether a new version of the job was stored.
	 * @return {@code false} for {@link #ALREADY_EXISTS} and for {@link #AFTER_COMMIT} (not yet)
	 */
	public boolean stored() {
		return this != ALREADY_EXISTS && this != AFTER_COMMIT;
	}

}
