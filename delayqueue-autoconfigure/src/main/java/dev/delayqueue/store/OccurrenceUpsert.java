package dev.delayqueue.store;

import dev.delayqueue.JobState;

/**
 * What {@link JobStore#upsertOccurrence} did.
 *
 * @param kind what it did
 * @param due the stored occurrence's due time (epoch ms); the other job's with {@link Kind#CONFLICT}
 * @param state the stored occurrence's state; the other job's with {@link Kind#CONFLICT}
 * @since 0.2.0
 */
public record OccurrenceUpsert(Kind kind, long due, JobState state) {

	/**
	 * What the upsert did.
	 */
	public enum Kind {

		/** There was no occurrence: it was created. */
		CREATED,

		/** A pending occurrence of another version that had not started was moved to the new schedule. */
		MOVED,

		/** The occurrence stored was planned with the same version: nothing changed. */
		UNCHANGED,

		/** An occurrence of another version is being delivered or retried: the next one follows the new version. */
		KEPT,

		/** A job that is not an occurrence of the schedule has its id: left alone. */
		CONFLICT

	}

}
