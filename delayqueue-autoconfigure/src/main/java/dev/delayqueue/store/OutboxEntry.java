package dev.delayqueue.store;

import org.jspecify.annotations.Nullable;

/**
 * A change to the jobs written to the outbox in the application's transaction, and relayed to the store after it
 * committed.
 *
 * @param kind what the change is
 * @param topic the topic
 * @param id the job's id
 * @param dueAt the due time (epoch ms) of a schedule or reschedule; 0 for a cancel
 * @param ifAbsent whether a schedule leaves an existing job alone
 * @param job the job a schedule writes; {@code null} otherwise
 * @since 0.2.0
 */
public record OutboxEntry(Kind kind, String topic, String id, long dueAt, boolean ifAbsent, @Nullable StoredJob job) {

	/**
	 * Checks that a schedule has its job.
	 */
	public OutboxEntry {
		if ((kind == Kind.SCHEDULE) != (job != null)) {
			throw new IllegalArgumentException("A schedule, and only a schedule, has a job");
		}
	}

	/**
	 * What an entry does.
	 */
	public enum Kind {

		/** Creates or replaces the job. */
		SCHEDULE,

		/** Moves the job to {@code dueAt}. */
		RESCHEDULE,

		/** Deletes the job. */
		CANCEL

	}

}
