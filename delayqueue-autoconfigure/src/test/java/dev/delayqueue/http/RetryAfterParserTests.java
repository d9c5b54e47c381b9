package dev.delayqueue.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading {@code Retry-After} values against a fixed clock (no I/O).
 */
class RetryAfterParserTests {

	private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

	private final RetryAfterParser parser = new RetryAfterParser(Duration.ofHours(1),
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void aMissingOrBlankHeaderAsksForNothing() {
		assertThat(this.parser.parse(null)).isEmpty();
		assertThat(this.parser.parse("")).isEmpty();
		assertThat(this.parser.parse("  ")).isEmpty();
	}

	@Test
	void deltaSecondsAreReadWithSurroundingWhitespace() {
		assertThat(this.parser.parse("120")).contains(Duration.ofSeconds(120));
		assertThat(this.parser.parse(" 7 ")).contains(Duration.ofSeconds(7));
		assertThat(this.parser.parse("0")).contains(Duration.ZERO);
	}

	@Test
	void aNegativeNumberCountsAsZero() {
		assertThat(this.parser.parse("-5")).contains(Duration.ZERO);
	}

	@Test
	void longerWaitsAreCutToTheCapEvenBeyondTheRangeOfALong() {
		assertThat(this.parser.parse("3600")).contains(Duration.ofHours(1));
		assertThat(this.parser.parse("3601")).contains(Duration.ofHours(1));
		assertThat(this.parser.parse("999999999999999999")).contains(Duration.ofHours(1));
		assertThat(this.parser.parse("99999999999999999999999")).contains(Duration.ofHours(1));
	}

	@Test
	void anHttpDateIsMeasuredFromTheClock() {
		assertThat(this.parser.parse("Wed, 01 Jan 2025 00:00:30 GMT")).contains(Duration.ofSeconds(30));
		assertThat(this.parser.parse(" Wed, 01 Jan 2025 00:10:00 GMT ")).contains(Duration.ofMinutes(10));
	}

	@Test
	void anHttpDateInThePastCountsAsZeroAndOneFarAheadIsCut() {
		assertThat(this.parser.parse("Tue, 31 Dec 2024 23:59:00 GMT")).contains(Duration.ZERO);
		assertThat(this.parser.parse("Thu, 02 Jan 2025 00:00:00 GMT")).contains(Duration.ofHours(1));
	}

	@Test
	void valuesOfNeitherFormAskForNothing() {
		assertThat(this.parser.parse("1.5")).isEmpty();
		assertThat(this.parser.parse("soon")).isEmpty();
		assertThat(this.parser.parse("2025-01-01T00:00:30Z")).isEmpty();
	}

}
