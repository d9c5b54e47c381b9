package dev.delayqueue.worker;

import java.time.Duration;
import java.util.random.RandomGenerator;

import dev.delayqueue.Backoff;

/**
 * How often and when a failed job is tried again: exponential backoff with jitter. Attempt {@code n} (from 1)
 * that fails is followed, if {@code n < maxAttempts}, by attempt {@code n + 1} after
 * {@code min(initialInterval * multiplier^(n-1), maxInterval)} ({@link Backoff#exponential}, the formula a job's own
 * {@link Backoff} uses too), spread by {@code ± jitter} of that value.
 *
 * @param maxAttempts most delivery attempts, the first included (at least 1)
 * @param initialInterval wait after the first failed attempt
 * @param multiplier factor applied to the wait after each further failure (1 to 100)
 * @param maxInterval longest wait, at most {@link Backoff#MAX_INTERVAL}
 * @param jitter fraction of each wait to spread randomly, from 0 (none) to 1
 * @since 0.1.0
 */
public record RetryPolicy(int maxAttempts, Duration initialInterval, double multiplier, Duration maxInterval,
		double jitter) {

	/** Default most attempts. */
	public static final int DEFAULT_MAX_ATTEMPTS = 10;

	/** Default wait after the first failure. */
	public static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofSeconds(1);

	/** Default multiplier. */
	public static final double DEFAULT_MULTIPLIER = 2.0;

	/** Default longest wait. */
	public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofMinutes(10);

	/** Default jitter. */
	public static final double DEFAULT_JITTER = 0.1;

	/** The default policy: 10 attempts, 1 s doubling up to 10 min, ±10 % jitter. */
	public static final RetryPolicy DEFAULT = new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_INTERVAL,
			DEFAULT_MULTIPLIER, DEFAULT_MAX_INTERVAL, DEFAULT_JITTER);

	/**
	 * Checks the values.
	 */
	public RetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
		}
		if (initialInterval.isNegative()) {
			throw new IllegalArgumentException("initialInterval must not be negative, was " + initialInterval);
		}
		if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
			throw new IllegalArgumentException("multiplier must be between 1 and 100, was " + multiplier);
		}
		if (maxInterval.compareTo(initialInterval) < 0) {
			throw new IllegalArgumentException(
					"maxInterval must not be shorter than initialInterval (" + initialInterval + "), was " + maxInterval);
		}
		if (maxInterval.compareTo(Backoff.MAX_INTERVAL) > 0) {
			throw new IllegalArgumentException("maxInterval must be at most " + Backoff.MAX_INTERVAL + ", was "
					+ maxInterval);
		}
		if (!(jitter >= 0.0 && jitter <= 1.0)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
		}
	}

	/**
	 * Returns whether a job that failed on attempt {@code attempt} may be tried again.
	 * @param attempt the number of the failed attempt, from 1
	 * @param jobMaxAttempts the job's own limit, or {@code null} for this policy's
	 * @return whether another attempt is allowed
	 */
	public boolean canRetry(int attempt, Integer jobMaxAttempts) {
		return attempt < ((jobMaxAttempts != null) ? jobMaxAttempts : this.maxAttempts);
	}

	/**
	 * Returns the wait after failed attempt {@code attempt}.
	 * @param attempt the number of the failed attempt, from 1
	 * @param random the source of jitter
	 * @return the wait before the next attempt
	 */
	public Duration backoff(int attempt, RandomGenerator random) {
		double capped = Backoff.exponential(this.initialInterval, this.multiplier, this.maxInterval, attempt).toMillis();
		double spread = capped * this.jitter * (2 * random.nextDouble() - 1);
		return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
	}

	/**
	 * Returns a copy with another {@code maxAttempts}.
	 * @param maxAttempts the new value
	 * @return the copy
	 */
	public RetryPolicy withMaxAttempts(int maxAttempts) {
		return new RetryPolicy(maxAttempts, this.initialInterval, this.multiplier, this.maxInterval, this.jitter);
	}

}
