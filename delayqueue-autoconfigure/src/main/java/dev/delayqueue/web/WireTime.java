package dev.delayqueue.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import tools.jackson.databind.JsonNode;

import dev.delayqueue.DueTime;
import dev.delayqueue.InvalidJobException;

/**
 * Reads the times the endpoints receive: seconds, Unix times in seconds and ISO-8601 instants. It only parses; when a
 * job is due is decided by {@link DueTime}.
 * <ul>
 * <li>{@code delay} of {@code POST /job}: seconds from now, or a Unix time when it can only be one: values from
 * {@value #UNIX_TIME_FROM} on (September 2001 as a Unix time, 31.7 years as a delay) are Unix times.</li>
 * <li>{@code delay} of {@code POST /create}: seconds from now.</li>
 * <li>{@code run_at} of {@code POST /job}: a Unix time in seconds or an ISO-8601 instant, from 1970 on.</li>
 * </ul>
 * Fractions of a second are kept to the millisecond (rounded down).
 */
final class WireTime {

	/** Smallest {@code delay} of {@code POST /job} read as a Unix time. */
	static final long UNIX_TIME_FROM = 1_000_000_000L;

	/** Largest number of seconds that still counts whole milliseconds in a {@code long}. */
	private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE / 1000);

	private static final BigDecimal MILLISECOND = new BigDecimal("0.001");

	private WireTime() {
	}

	/**
	 * Reads {@code delay} of {@code POST /job}: seconds from now, or a Unix time from {@value #UNIX_TIME_FROM} on.
	 */
	static Instant delayOrUnixTime(String field, BigDecimal delay, Instant now) {
		if (delay.compareTo(BigDecimal.valueOf(UNIX_TIME_FROM)) >= 0) {
			return DueTime.at(field, Instant.ofEpochMilli(millis(field, delay)), now);
		}
		return delay(field, delay, now);
	}

	/**
	 * Reads a delay in seconds from now.
	 */
	static Instant delay(String field, BigDecimal delay, Instant now) {
		return DueTime.after(field, seconds(field, delay), now);
	}

	/**
	 * Reads {@code run_at}: a Unix time in seconds or an ISO-8601 instant such as {@code 2030-01-31T10:00:00Z}.
	 */
	static Instant runAt(String field, JsonNode value, Instant now) {
		Instant at;
		if (value.isNumber()) {
			if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
				throw new InvalidJobException(field, "is out of range, was " + value.doubleValue());
			}
			at = Instant.ofEpochMilli(millis(field, value.decimalValue()));
		}
		else if (value.isString()) {
			try {
				at = Instant.parse(value.stringValue());
			}
			catch (DateTimeParseException ex) {
				throw new InvalidJobException(field, "must be a Unix time in seconds or an ISO-8601 instant such as "
						+ "2030-01-31T10:00:00Z, was '" + value.stringValue() + "'");
			}
		}
		else {
			throw new InvalidJobException(field, "must be a Unix time in seconds or an ISO-8601 instant, was "
					+ WebJson.type(value));
		}
		if (at.isBefore(Instant.EPOCH)) {
			throw new InvalidJobException(field, "must not be before 1970-01-01T00:00:00Z (Unix time 0), was " + at);
		}
		return DueTime.at(field, at, now);
	}

	/**
	 * Reads a number of seconds as a duration.
	 */
	static Duration seconds(String field, BigDecimal seconds) {
		return Duration.ofMillis(millis(field, seconds));
	}

	/**
	 * Seconds to whole milliseconds, rounded down; never scales a number with a huge exponent.
	 */
	private static long millis(String field, BigDecimal seconds) {
		BigDecimal magnitude = seconds.abs();
		if (magnitude.compareTo(MAX_SECONDS) > 0) {
			throw new InvalidJobException(field, "is out of range, was " + seconds);
		}
		if (magnitude.compareTo(MILLISECOND) < 0) {
			return (seconds.signum() < 0) ? -1 : 0;
		}
		return seconds.movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact();
	}

}
