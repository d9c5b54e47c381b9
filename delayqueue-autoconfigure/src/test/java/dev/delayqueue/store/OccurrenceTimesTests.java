package dev.delayqueue.store;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When occurrences fall, across daylight-saving changes in Europe/Berlin (2026: clocks skip 02:00 to 03:00 on
 * 29 March and go back from 03:00 to 02:00 on 25 October), after downtime, and at fixed intervals.
 */
class OccurrenceTimesTests {

	private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

	@Test
	void aDailyTimeTheClocksSkipRunsShiftedByTheGapSoNoDayGoesWithout() {
		OccurrenceTimes times = OccurrenceTimes.cron("0 30 2 * * *", BERLIN);
		assertThat(occurrences(times, "2026-03-28T02:30+01:00", 2)).containsExactly("2026-03-29T03:30+02:00",
				"2026-03-30T02:30+02:00");
	}

	@Test
	void aDailyTimeTheClocksPassTwiceRunsOnceAtItsFirstPass() {
		OccurrenceTimes times = OccurrenceTimes.cron("0 30 2 * * *", BERLIN);
		assertThat(occurrences(times, "2026-10-24T02:30+02:00", 2)).containsExactly("2026-10-25T02:30+02:00",
				"2026-10-26T02:30+01:00");
	}

	@Test
	void anHourlyScheduleFollowsRealTimeThroughBothChanges() {
		OccurrenceTimes times = OccurrenceTimes.cron("0 0 * * * *", BERLIN);
		assertThat(occurrences(times, "2026-03-29T01:00+01:00", 2)).as("02:00 does not exist")
			.containsExactly("2026-03-29T03:00+02:00", "2026-03-29T04:00+02:00");
		assertThat(occurrences(times, "2026-10-25T01:00+02:00", 4)).as("02:00 comes twice, an hour apart")
			.containsExactly("2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00", "2026-10-25T03:00+01:00",
					"2026-10-25T04:00+01:00");
		assertThat(occurrences(OccurrenceTimes.cron("@hourly", BERLIN), "2026-10-25T01:00+02:00", 2))
			.containsExactly("2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00");
	}

	@Test
	void aHalfHourFallBackNeverGivesATimeThatIsNotLater() {
		// Lord Howe Island goes back from 02:00 +11:00 to 01:30 +10:30 on 5 April 2026
		ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
		OccurrenceTimes hourly = OccurrenceTimes.cron("0 0 * * * *", lordHowe);
		Instant one = OffsetDateTime.parse("2026-04-05T01:00+11:00").toInstant();
		for (int minutes = 0; minutes < 60; minutes += 5) {
			Instant now = one.plusSeconds(minutes * 60L);
			assertThat(hourly.next(one, now)).as("next after 01:00 +11:00 at %s", now).isAfter(now).isAfter(one);
		}
		Instant at = OffsetDateTime.parse("2026-04-04T23:00+11:00").toInstant();
		for (int i = 0; i < 6; i++) {
			Instant next = hourly.next(at, at);
			assertThat(next).isAfter(at);
			at = next;
		}
	}

	@Test
	void twoWallTimesThatMeetInTheGapRunOnce() {
		OccurrenceTimes times = OccurrenceTimes.cron("0 0 2,3 * * *", BERLIN);
		assertThat(occurrences(times, "2026-03-28T03:00+01:00", 3)).containsExactly("2026-03-29T03:00+02:00",
				"2026-03-30T02:00+02:00", "2026-03-30T03:00+02:00");
	}

	@Test
	void everyFewMinutesThroughTheRepeatedHourFollowsTheWallClockWhenTheHourIsFixed() {
		// "every 20 minutes between 02:00 and 02:59": a fixed hour, so the repeated hour runs once
		OccurrenceTimes times = OccurrenceTimes.cron("0 */20 2 * * *", BERLIN);
		assertThat(occurrences(times, "2026-10-25T01:00+02:00", 4)).containsExactly("2026-10-25T02:00+02:00",
				"2026-10-25T02:20+02:00", "2026-10-25T02:40+02:00", "2026-10-26T02:00+01:00");
	}

	@Test
	void afterDowntimeTheNextOccurrenceIsTheFirstToComeNotEachMissedOne() {
		OccurrenceTimes times = OccurrenceTimes.cron("0 0 4 * * *", BERLIN);
		Instant previous = OffsetDateTime.parse("2026-06-01T04:00+02:00").toInstant();
		Instant now = OffsetDateTime.parse("2026-06-05T10:00+02:00").toInstant();
		assertThat(times.next(previous, now)).isEqualTo(OffsetDateTime.parse("2026-06-06T04:00+02:00").toInstant());
		assertThat(times.next(previous, previous)).as("on time: the following one")
			.isEqualTo(OffsetDateTime.parse("2026-06-02T04:00+02:00").toInstant());
	}

	@Test
	void anIntervalKeepsItsRhythmAfterDowntime() {
		OccurrenceTimes times = OccurrenceTimes.every(Duration.ofMinutes(10));
		Instant previous = Instant.parse("2026-06-01T10:00:00Z");
		assertThat(times.next(previous, previous)).isEqualTo(Instant.parse("2026-06-01T10:10:00Z"));
		assertThat(times.next(previous, Instant.parse("2026-06-01T10:10:00Z")))
			.as("an occurrence ending exactly at the next time: that one has come, the one after is next")
			.isEqualTo(Instant.parse("2026-06-01T10:20:00Z"));
		assertThat(times.next(previous, Instant.parse("2026-06-01T10:35:00Z")))
			.isEqualTo(Instant.parse("2026-06-01T10:40:00Z"));
		assertThat(times.first(previous)).isEqualTo(Instant.parse("2026-06-01T10:10:00Z"));
		assertThat(times.period(previous)).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void theFirstOccurrenceOfACronScheduleIsItsFirstTimeAfterNow() {
		OccurrenceTimes times = OccurrenceTimes.cron("0 0 4 * * *", BERLIN);
		assertThat(times.first(OffsetDateTime.parse("2026-06-01T04:00+02:00").toInstant()))
			.isEqualTo(OffsetDateTime.parse("2026-06-02T04:00+02:00").toInstant());
		assertThat(times.period(OffsetDateTime.parse("2026-06-01T04:00+02:00").toInstant()))
			.isEqualTo(Duration.ofDays(1));
		assertThat(times.period(OffsetDateTime.parse("2026-03-28T04:00+01:00").toInstant()))
			.as("the day the clocks skip an hour").isEqualTo(Duration.ofHours(23));
	}

	private static List<String> occurrences(OccurrenceTimes times, String previous, int count) {
		List<String> out = new ArrayList<>();
		Instant at = OffsetDateTime.parse(previous).toInstant();
		for (int i = 0; i < count; i++) {
			at = times.next(at, at);
			out.add(at.atZone(BERLIN).toOffsetDateTime().toString());
		}
		return out;
	}

}
