package dev.delayqueue.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code Retry-After} header: delta-seconds ({@code 120}) or an HTTP-date
 * ({@code Wed, 21 Oct 2015 07:28:00 GMT}, measured from the clock). A time in the past counts as zero; anything
 * longer than the cap, including a number too large for a {@code long}, is cut to the cap.
 */
final class RetryAfterParser {

	private final Duration max;

	private final Clock clock;

	/**
	 * Creates a parser.
	 * @param max longest wait returned
	 * @param clock the clock an HTTP-date is measured from
	 */
	RetryAfterParser(Duration max, Clock clock) {
		this.max = max;
		this.clock = clock;
	}

	/**
	 * Returns the wait a header value asks for.
	 * @param header the header value, or {@code null} when the answer has none
	 * @return the wait, from zero to the cap; empty when the header is missing, blank or neither form
	 */
	Optional<Duration> parse(@Nullable String header) {
		if (header == null || header.isBlank()) {
			return Optional.empty();
		}
		String value = header.trim();
		if (value.matches("[0-9]{19,}")) {
			return Optional.of(this.max);
		}
		Duration delay;
		try {
			delay = Duration.ofSeconds(Long.parseLong(value));
		}
		catch (NumberFormatException ex) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
				delay = Duration.between(this.clock.instant(), at.toInstant());
			}
			catch (DateTimeParseException ex2) {
				return Optional.empty();
			}
		}
		if (delay.isNegative()) {
			return Optional.of(Duration.ZERO);
		}
		return Optional.of((delay.compareTo(this.max) > 0) ? this.max : delay);
	}

}
