package dev.delayqueue.web;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import dev.delayqueue.InvalidJobException;

/**
 * Reads {@code delay} of {@code POST /job}: seconds from now, or an absolute Unix time in seconds when it can only
 * be one. Values from {@value #EPOCH_THRESHOLD} on (September 2001 as a Unix time, 31.7 years as a delay) are Unix
 * times; smaller values are delays. Fractions are kept to the millisecond. A Unix time in the past means now.
 */
final class DelayRule {

	/** Smallest {@code delay} read as a Unix time. */
	static final long EPOCH_THRESHOLD = 1_000_000_000L;

	/** Furthest a job may be scheduled ahead. */
	static final Duration MAX_AHEAD = Duration.ofDays(100 * 366L);

	private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

	private DelayRule() {
	}

	static Instant dueAt(String field, BigDecimal delay, Instant now, boolean allowEpoch) {
		if (delay.signum() < 0) {
			throw new InvalidJobException(field, "must not be negative, was " + delay.toPlainString());
		}
		Instant latest = now.plus(MAX_AHEAD);
		if (allowEpoch && delay.compareTo(BigDecimal.valueOf(EPOCH_THRESHOLD)) >= 0) {
			if (delay.compareTo(BigDecimal.valueOf(latest.getEpochSecond())) > 0) {
				throw new InvalidJobException(field, "as a Unix time must be at most 100 years ahead, was "
						+ delay.toPlainString());
			}
			return Instant.ofEpochMilli(delay.multiply(THOUSAND).longValue());
		}
		if (delay.compareTo(BigDecimal.valueOf(MAX_AHEAD.toSeconds())) > 0) {
			throw new InvalidJobException(field, "must be at most " + MAX_AHEAD.toSeconds() + " seconds, was "
					+ delay.toPlainString());
		}
		return now.plusMillis(delay.multiply(THOUSAND).longValue());
	}

}
