package dev.delayqueue;

import java.time.Duration;

/**
 * Thrown by a handler to run the job again after a given delay instead of the retry policy's backoff, for example
 * when a downstream system asked to slow down or the data the job needs is not there yet. By default the attempt
 * is not counted against the job's maximum attempts.
 *
 * @since 0.1.0
 */
public class RetryJobLaterException extends DelayQueueException {

	private static final long serialVersionUID = 1L;

	private final Duration delay;

	private final boolean countAttempt;

	/**
	 * Asks for another attempt after {@code delay}, not counting this one.
	 * @param delay how long to wait, not negative
	 * @param message why
	 */
	public RetryJobLaterException(Duration delay, String message) {
		this(delay, false, message);
	}

	/**
	 * Asks for another attempt after {@code delay}.
	 * @param delay how long to wait, not negative
	 * @param countAttempt whether this attempt counts against the job's maximum attempts
	 * @param message why
	 */
	public RetryJobLaterException(Duration delay, boolean countAttempt, String message) {
		super(message);
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative, was " + delay);
		}
		this.delay = delay;
		this.countAttempt = countAttempt;
	}

	/**
	 * Returns how long to wait before the next attempt.
	 * @return the delay
	 */
	public Duration delay() {
		return this.delay;
	}

	/**
	 * Returns whether this attempt counts against the job's maximum attempts.
	 * @return whether the attempt counts
	 */
	public boolean countAttempt() {
		return this.countAttempt;
	}

}
