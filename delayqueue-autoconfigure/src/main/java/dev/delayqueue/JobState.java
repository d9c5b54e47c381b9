package dev.delayqueue;

/**
 * Where a job is in its life. A job that was delivered or cancelled is gone: it has no state and no data left.
 *
 * @since 0.1.0
 */
public enum JobState {

	/** Waiting for its due time, or for its next attempt after a failure. */
	PENDING,

	/** Claimed by a worker, under a lease; delivered again by any worker if the lease runs out. */
	IN_FLIGHT,

	/** Failed on every allowed attempt, or failed with a non-retryable error; kept until redriven or purged. */
	DEAD;

}
