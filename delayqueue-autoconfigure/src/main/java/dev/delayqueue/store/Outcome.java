package dev.delayqueue.store;

/**
 * The recorded end of one delivery attempt that did not succeed, built through {@link #retry}, {@link #dead} and
 * {@link #release}. The store applies it only while the attempt's lease token still matches.
 *
 * @since 0.1.0
 */
public sealed interface Outcome {

	/**
	 * Returns the claim the outcome ends.
	 * @return the job id and lease token
	 */
	Lease lease();

	/**
	 * The job is tried again at {@code dueAt}.
	 * @param lease the claim
	 * @param dueAt when to try again (epoch ms)
	 * @param countAttempt whether the attempt counts towards the job's attempt limit
	 * @param error what went wrong
	 * @return the outcome
	 */
	static Outcome retry(Lease lease, long dueAt, boolean countAttempt, String error) {
		return new Retry(lease, dueAt, countAttempt, error);
	}

	/**
	 * The job goes to the dead state.
	 * @param lease the claim
	 * @param countAttempt whether the attempt counts (not when the lease ran out before the handler started)
	 * @param error what went wrong
	 * @return the outcome
	 */
	static Outcome dead(Lease lease, boolean countAttempt, String error) {
		return new Dead(lease, countAttempt, error);
	}

	/**
	 * The job is given back unstarted: pending again at {@code dueAt}, the attempt not counted, no error.
	 * @param lease the claim
	 * @param dueAt its due time (epoch ms)
	 * @return the outcome
	 */
	static Outcome release(Lease lease, long dueAt) {
		return new Release(lease, dueAt);
	}

	/**
	 * Tried again later.
	 *
	 * @param lease the claim
	 * @param dueAt when (epoch ms)
	 * @param countAttempt whether the attempt counts
	 * @param error what went wrong
	 */
	record Retry(Lease lease, long dueAt, boolean countAttempt, String error) implements Outcome {
	}

	/**
	 * Dead.
	 *
	 * @param lease the claim
	 * @param countAttempt whether the attempt counts
	 * @param error what went wrong
	 */
	record Dead(Lease lease, boolean countAttempt, String error) implements Outcome {
	}

	/**
	 * Given back unstarted.
	 *
	 * @param lease the claim
	 * @param dueAt the job's due time (epoch ms)
	 */
	record Release(Lease lease, long dueAt) implements Outcome {
	}

}
