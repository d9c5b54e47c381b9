package dev.delayqueue;

import java.time.Duration;

/**
 * A job's own wait between failed attempts, overriding the retry policy of its topic: the wait after failed
 * attempt {@code n} is {@code min(initialInterval * multiplier^(n-1), maxInterval)}, without jitter.
 * httpqueue jobs use 10 s doubling: 10 s, 20 s, 40 s, ...
 *
 * @param initialInterval wait after the first failed attempt, from 0 to {@link #MAX_INTERVAL}
 * @param multiplier factor applied after each further failure, from 1 to 100
 * @param maxInterval longest wait, at least {@code initialInterval}, at most {@link #MAX_INTERVAL}
 * @since 0.1.0
 */
public record Backoff(Duration initialInterval, double multiplier, Duration maxInterval) {

	/** Longest wait a backoff may ask for. */
	public static final Duration MAX_INTERVAL = Duration.ofDays(7);

	/** httpqueue's backoff: 10 s doubling, up to a day. */
	public static final Backoff HTTPQUEUE = new Backoff(Duration.ofSeconds(10), 2.0, Duration.ofDays(1));

	/**
	 * Checks the values.
	 * @throws InvalidJobException naming the field ({@code backoff.initialInterval}, ...) that breaks a rule
	 */
	public Backoff {
		if (initialInterval.isNegative() || initialInterval.compareTo(MAX_INTERVAL) > 0) {
			throw new InvalidJobException("backoff.initialInterval", "must be between 0 and " + MAX_INTERVAL
					+ ", was " + initialInterval);
		}
		if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
			throw new InvalidJobException("backoff.multiplier", "must be between 1 and 100, was " + multiplier);
		}
		if (maxInterval.compareTo(initialInterval) < 0 || maxInterval.compareTo(MAX_INTERVAL) > 0) {
			throw new InvalidJobException("backoff.maxInterval", "must be between initialInterval (" + initialInterval
					+ ") and " + MAX_INTERVAL + ", was " + maxInterval);
		}
	}

	/**
	 * Returns the wait after failed attempt {@code attempt}.
	 * @param attempt the number of the failed attempt, from 1
	 * @return the wait
	 */
	public Duration after(int attempt) {
		return exponential(this.initialInterval, this.multiplier, this.maxInterval, attempt);
	}

	/**
	 * The one exponential backoff formula, shared with the retry policies of topics:
	 * {@code min(initialInterval * multiplier^(attempt-1), maxInterval)}, to the millisecond.
	 * @param initialInterval wait after the first failed attempt
	 * @param multiplier factor applied after each further failure
	 * @param maxInterval longest wait
	 * @param attempt the number of the failed attempt, from 1
	 * @return the wait
	 */
	public static Duration exponential(Duration initialInterval, double multiplier, Duration maxInterval,
			int attempt) {
		double wait = initialInterval.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
		return Duration.ofMillis(Math.round(Math.min(wait, maxInterval.toMillis())));
	}

}
