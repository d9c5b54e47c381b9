package dev.delayqueue.docs.recurring;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the recurring-jobs page says Spring's {@link CronExpression} does across daylight saving time changes, and
 * that the page's 04:00 schedule is clear of them.
 */
class CronDaylightSavingTests {

	private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

	@Test
	void aWallTimeThatDoesNotExistIsSkippedAndAnAmbiguousOneComesTwice() {
		CronExpression halfPastTwo = CronExpression.parse("0 30 2 * * *");
		ZonedDateTime beforeSpring = ZonedDateTime.of(2026, 3, 28, 12, 0, 0, 0, BERLIN);
		assertThat(halfPastTwo.next(beforeSpring).toLocalDate()).as("no run on 29 March").hasToString("2026-03-30");
		ZonedDateTime first = halfPastTwo.next(ZonedDateTime.of(2026, 10, 24, 12, 0, 0, 0, BERLIN));
		ZonedDateTime second = halfPastTwo.next(first);
		assertThat(first.toInstant()).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
		assertThat(second.toInstant()).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
	}

	@Test
	void thePagesScheduleRunsOnceEveryNightAcrossBothChanges() {
		Instant at = NightlyReport.next(Instant.parse("2026-03-27T12:00:00Z"));
		for (int night = 0; night < 220; night++) {
			Instant next = NightlyReport.next(at);
			assertThat(ZonedDateTime.ofInstant(next, BERLIN).getHour()).isEqualTo(4);
			assertThat(ZonedDateTime.ofInstant(next, BERLIN).toLocalDate())
				.isEqualTo(ZonedDateTime.ofInstant(at, BERLIN).toLocalDate().plusDays(1));
			at = next;
		}
	}

}
