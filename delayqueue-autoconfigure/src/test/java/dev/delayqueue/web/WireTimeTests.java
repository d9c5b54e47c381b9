package dev.delayqueue.web;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.delayqueue.DueTime;
import dev.delayqueue.InvalidJobException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Parsing of {@code delay} and {@code run_at}: seconds, Unix times and ISO-8601 instants, handed to {@link DueTime}.
 */
class WireTimeTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.500Z");

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static Instant delay(String seconds) {
		return WireTime.delayOrUnixTime("delay", new BigDecimal(seconds), NOW);
	}

	private static InvalidJobException refused(Runnable parse) {
		return assertThatExceptionOfType(InvalidJobException.class).isThrownBy(parse::run).actual();
	}

	@Test
	void belowOneBillionADelayIsSecondsFromNow() {
		assertThat(delay("0")).isEqualTo(NOW);
		assertThat(delay("15")).isEqualTo(NOW.plusSeconds(15));
		assertThat(delay("999999999")).isEqualTo(NOW.plusSeconds(999_999_999));
		assertThat(WireTime.delay("delay", new BigDecimal("2000000000"), NOW))
			.isEqualTo(NOW.plusSeconds(2_000_000_000));
	}

	@Test
	void fromOneBillionOnADelayIsAUnixTime() {
		assertThat(delay("1000000000")).as("2001, in the past: due at once").isEqualTo(Instant.ofEpochSecond(1_000_000_000));
		assertThat(delay("1567135500")).as("the seed README's example, in the past: due at once")
			.isEqualTo(Instant.ofEpochSecond(1_567_135_500));
		long inAnHour = NOW.getEpochSecond() + 3600;
		assertThat(delay(Long.toString(inAnHour))).isEqualTo(Instant.ofEpochSecond(inAnHour));
		assertThat(delay(inAnHour + ".25")).isEqualTo(Instant.ofEpochSecond(inAnHour, 250_000_000));
	}

	@Test
	void fractionsAreKeptToTheMillisecond() {
		assertThat(delay("1.5")).isEqualTo(NOW.plusMillis(1500));
		assertThat(delay("0.0019")).isEqualTo(NOW.plusMillis(1));
		assertThat(delay("0.0004")).isEqualTo(NOW);
		assertThat(delay("1E+1")).isEqualTo(NOW.plusSeconds(10));
		assertThat(WireTime.seconds("backoff.initial", new BigDecimal("0.2"))).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void negativeDelaysAreRefusedByTheRule() {
		assertThat(refused(() -> delay("-5"))).hasMessage("delay must not be negative, was PT-5S");
		assertThat(refused(() -> delay("-0.0001")).field()).isEqualTo("delay");
	}

	@Test
	void moreThanOneHundredYearsAheadIsRefusedByTheRule() {
		assertThat(refused(() -> delay("99999999999999")))
			.hasMessageStartingWith("delay must be at most 100 years ahead");
		assertThat(refused(() -> WireTime.delay("delay", new BigDecimal("1e12"), NOW)))
			.hasMessageStartingWith("delay must be at most 100 years (3162240000 seconds)");
		assertThat(delay(Long.toString(NOW.plus(DueTime.MAX_AHEAD).getEpochSecond())))
			.isEqualTo(Instant.ofEpochSecond(NOW.plus(DueTime.MAX_AHEAD).getEpochSecond()));
	}

	@Test
	void numbersTooLargeForAnInstantAreOutOfRangeWithoutScalingThem() {
		assertThat(refused(() -> delay("1e400"))).hasMessage("delay is out of range, was 1E+400");
		assertThat(refused(() -> delay("1e1000000000"))).hasMessage("delay is out of range, was 1E+1000000000");
		assertThat(refused(() -> delay("-1e1000000000")).field()).isEqualTo("delay");
		assertThat(delay("1e-1000000000")).isEqualTo(NOW);
	}

	@Test
	void runAtIsAUnixTimeOrAnIsoInstantFrom1970On() {
		long inAnHour = NOW.getEpochSecond() + 3600;
		assertThat(WireTime.runAt("run_at", NODES.numberNode(inAnHour), NOW))
			.isEqualTo(Instant.ofEpochSecond(inAnHour));
		assertThat(WireTime.runAt("run_at", NODES.numberNode(5), NOW)).as("past: due at once")
			.isEqualTo(Instant.ofEpochSecond(5));
		assertThat(WireTime.runAt("run_at", NODES.stringNode("2030-01-31T10:00:00Z"), NOW))
			.isEqualTo(Instant.parse("2030-01-31T10:00:00Z"));
		assertThat(refused(() -> WireTime.runAt("run_at", NODES.numberNode(-1), NOW)))
			.hasMessageStartingWith("run_at must not be before 1970-01-01T00:00:00Z");
		assertThat(refused(() -> WireTime.runAt("run_at", NODES.stringNode("-300000000-01-01T00:00:00Z"), NOW)))
			.hasMessageStartingWith("run_at must not be before 1970-01-01T00:00:00Z");
		assertThat(refused(() -> WireTime.runAt("run_at", NODES.stringNode("tomorrow"), NOW)))
			.hasMessage("run_at must be a Unix time in seconds or an ISO-8601 instant such as 2030-01-31T10:00:00Z, "
					+ "was 'tomorrow'");
		assertThat(refused(() -> WireTime.runAt("run_at", NODES.booleanNode(true), NOW)))
			.hasMessage("run_at must be a Unix time in seconds or an ISO-8601 instant, was boolean");
		assertThat(refused(() -> WireTime.runAt("run_at", NODES.numberNode(Double.POSITIVE_INFINITY), NOW)).field())
			.isEqualTo("run_at");
		assertThat(refused(() -> WireTime.runAt("run_at", NODES.stringNode("2300-01-01T00:00:00Z"), NOW)))
			.hasMessageStartingWith("run_at must be at most 100 years ahead");
	}

}
