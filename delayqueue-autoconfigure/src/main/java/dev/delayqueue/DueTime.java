package dev.delayqueue;

import java.time.Duration;
import java.time.Instant;

/**
 * The rule for when a job may be due, the same for every way of scheduling one (the Java API and the HTTP
 * endpoints):
 * <ul>
 * <li>a job is due at most {@link #MAX_AHEAD} (100 years) after now, whether it is given an instant or a delay;</li>
 * <li>an instant in the past means due at once: it is kept as it is (before 1970 it is 1970), so jobs due in the
 * past keep their order and their lateness shows;</li>
 * <li>a delay must not be negative.</li>
 * </ul>
 * Every method throws {@link InvalidJobException} naming the field it is given and the rule.
 *
 * @since 0.1.0
 */
public final class DueTime {

	/** Furthest ahead of now a job may be due: 100 years of 366 days. */
	public static final Duration MAX_AHEAD = Duration.ofDays(100 * 366L);

	private DueTime() {
	}

	/**
	 * Checks a delay on its own, before it is counted from any time.
	 * @param field the field that holds the delay, named in the error
	 * @param delay the delay
	 * @return the delay
	 * @throws InvalidJobException when the delay is negative or longer than {@link #MAX_AHEAD}
	 */
	public static Duration checkDelay(String field, Duration delay) {
		if (delay.isNegative()) {
			throw new InvalidJobException(field, "must not be negative, was " + delay);
		}
		if (delay.compareTo(MAX_AHEAD) > 0) {
			throw new InvalidJobException(field,
					"must be at most 100 years (" + MAX_AHEAD.toSeconds() + " seconds), was " + delay);
		}
		return delay;
	}

	/**
	 * Returns when a job is due that is scheduled at {@code now} with a delay.
	 * @param field the field that holds the delay, named in the error
	 * @param delay the delay
	 * @param now the current time
	 * @return {@code now + delay}
	 * @throws InvalidJobException when the delay is negative or longer than {@link #MAX_AHEAD}
	 */
	public static Instant after(String field, Duration delay, Instant now) {
		return now.plus(checkDelay(field, delay));
	}

	/**
	 * Returns when a job is due that is scheduled at {@code now} for an instant.
	 * @param field the field that holds the instant, named in the error
	 * @param dueAt the instant
	 * @param now the current time
	 * @return {@code dueAt}, or the epoch when {@code dueAt} is before it
	 * @throws InvalidJobException when {@code dueAt} is more than {@link #MAX_AHEAD} after {@code now}
	 */
	public static Instant at(String field, Instant dueAt, Instant now) {
		Instant latest = now.plus(MAX_AHEAD);
		if (dueAt.isAfter(latest)) {
			throw new InvalidJobException(field, "must be at most 100 years ahead (" + latest + "), was " + dueAt);
		}
		return dueAt.isBefore(Instant.EPOCH) ? Instant.EPOCH : dueAt;
	}

}
