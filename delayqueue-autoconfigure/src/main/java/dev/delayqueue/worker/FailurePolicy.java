package dev.delayqueue.worker;

import java.util.Optional;
import java.util.random.RandomGenerator;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.NonRetryableJobException;
import dev.delayqueue.RetryJobLaterException;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Outcome;

/**
 * Decides what happens to a job whose delivery failed: tried again after its backoff, at the time the handler
 * asked for, or dead. Pure: no threads, no I/O; the caller gives the time.
 */
final class FailurePolicy {

	/** Longest error text stored with a job. */
	static final int MAX_ERROR_LENGTH = 2_000;

	private final RandomGenerator random;

	/**
	 * Creates a policy.
	 * @param random the source of the retry policy's jitter
	 */
	FailurePolicy(RandomGenerator random) {
		this.random = random;
	}

	/**
	 * Returns the dead outcome of a job claimed again after its lease ran out on its final attempt, which must not
	 * run once more; empty for any other job.
	 * @param claimed the job just claimed, {@code attempts} counting the attempt about to start
	 * @param settings the settings of its topic lane
	 * @return the outcome, or empty to deliver the job
	 */
	Optional<Outcome> beforeDelivery(ClaimedJob claimed, TopicSettings settings) {
		DelayedJob job = claimed.job();
		int finished = job.attempts() - 1;
		if (settings.retry().canRetry(finished, job.maxAttempts())) {
			return Optional.empty();
		}
		return Optional.of(Outcome.dead(claimed.lease(), false,
				"Lease ran out on the final attempt (" + finished + ")"));
	}

	/**
	 * Decides the outcome of a failed attempt.
	 * @param failure what the handler threw (or the callback's failure)
	 * @param claimed the job, {@code attempts} counting the failed attempt
	 * @param settings the settings of its topic lane
	 * @param now the current time (epoch ms)
	 * @return a retry or the dead state
	 */
	Outcome afterFailure(Throwable failure, ClaimedJob claimed, TopicSettings settings, long now) {
		DelayedJob job = claimed.job();
		String error = describe(failure);
		if (failure instanceof NonRetryableJobException || settings.isNonRetryable(failure)) {
			return Outcome.dead(claimed.lease(), true, error);
		}
		boolean retriesLeft = settings.retry().canRetry(job.attempts(), job.maxAttempts());
		if (failure instanceof RetryJobLaterException later) {
			if (later.countAttempt() && !retriesLeft) {
				return Outcome.dead(claimed.lease(), true, error);
			}
			return Outcome.retry(claimed.lease(), now + later.delay().toMillis(), later.countAttempt(), error);
		}
		if (!retriesLeft) {
			return Outcome.dead(claimed.lease(), true, error);
		}
		Backoff own = job.backoff();
		long wait = (own != null) ? own.after(job.attempts()).toMillis()
				: settings.retry().backoff(job.attempts(), this.random).toMillis();
		return Outcome.retry(claimed.lease(), now + wait, true, error);
	}

	/**
	 * Describes a failure as stored with the job: class name and message, cut to {@link #MAX_ERROR_LENGTH}.
	 * @param error the failure
	 * @return the text
	 */
	static String describe(Throwable error) {
		String text = error.getClass().getName() + ((error.getMessage() != null) ? ": " + error.getMessage() : "");
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
	}

}
