package dev.delayqueue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The one rule for when a job is due, and {@link JobRequest} following it.
 */
class DueTimeTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.123Z");

	@Test
	void aDelayIsCountedFromNow() {
		assertThat(DueTime.after("delay", Duration.ofMillis(1500), NOW)).isEqualTo(NOW.plusMillis(1500));
		assertThat(DueTime.after("delay", Duration.ZERO, NOW)).isEqualTo(NOW);
	}

	@Test
	void aNegativeDelayIsRefusedNamingTheField() {
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> DueTime.after("wait", Duration.ofMillis(-1), NOW))
			.withMessage("wait must not be negative, was PT-0.001S")
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("wait"));
	}

	@Test
	void aDelayMayBeOneHundredYearsAndNoMore() {
		assertThat(DueTime.after("delay", DueTime.MAX_AHEAD, NOW)).isEqualTo(NOW.plus(DueTime.MAX_AHEAD));
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> DueTime.after("delay", DueTime.MAX_AHEAD.plusMillis(1), NOW))
			.withMessageStartingWith("delay must be at most 100 years (3162240000 seconds), was ");
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> DueTime.checkDelay("delay", Duration.ofSeconds(Long.MAX_VALUE)))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("delay"));
	}

	@Test
	void anInstantMayBeOneHundredYearsAheadAndNoMore() {
		Instant latest = NOW.plus(DueTime.MAX_AHEAD);
		assertThat(DueTime.at("dueAt", latest, NOW)).isEqualTo(latest);
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> DueTime.at("dueAt", latest.plusMillis(1), NOW))
			.withMessage("dueAt must be at most 100 years ahead (" + latest + "), was " + latest.plusMillis(1));
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> DueTime.at("run_at", Instant.MAX, NOW))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("run_at"));
	}

	@Test
	void anInstantInThePastIsDueAtOnceAndKeptBackTo1970() {
		assertThat(DueTime.at("dueAt", NOW.minusMillis(1), NOW)).isEqualTo(NOW.minusMillis(1));
		assertThat(DueTime.at("dueAt", Instant.EPOCH, NOW)).isEqualTo(Instant.EPOCH);
		assertThat(DueTime.at("dueAt", Instant.MIN, NOW)).isEqualTo(Instant.EPOCH);
		assertThat(DueTime.at("dueAt", NOW.plusMillis(1), NOW)).isEqualTo(NOW.plusMillis(1));
	}

	@Test
	void aJobRequestFollowsTheRule() {
		assertThat(JobRequest.builder("t", "1").delay(Duration.ofSeconds(5)).build().dueAt(NOW))
			.isEqualTo(NOW.plusSeconds(5));
		assertThat(JobRequest.builder("t", "1").at(Instant.EPOCH.minusSeconds(1)).build().dueAt(NOW))
			.isEqualTo(Instant.EPOCH);
		JobRequest farAhead = JobRequest.builder("t", "1").at(NOW.plus(DueTime.MAX_AHEAD).plusSeconds(1)).build();
		assertThatExceptionOfType(InvalidJobException.class).isThrownBy(() -> farAhead.dueAt(NOW))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("dueAt"));
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> JobRequest.builder("t", "1").delay(Duration.ofSeconds(-1)).build())
			.withMessage("delay must not be negative, was PT-1S");
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> JobRequest.builder("t", "1").delay(DueTime.MAX_AHEAD.plusSeconds(1)).build())
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("delay"));
	}

}
