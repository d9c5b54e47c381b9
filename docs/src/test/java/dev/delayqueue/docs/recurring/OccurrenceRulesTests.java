package dev.delayqueue.docs.recurring;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import dev.delayqueue.store.OccurrenceTimes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the recurring-jobs page says about daylight saving time, in Europe/Berlin in 2026.
 */
class OccurrenceRulesTests {

	private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

	@Test
	void theTableOfThePage() {
		OccurrenceTimes halfPastTwo = OccurrenceTimes.cron("0 30 2 * * *", BERLIN);
		assertThat(next(halfPastTwo, "2026-03-28T02:30+01:00")).isEqualTo("2026-03-29T03:30+02:00");
		assertThat(next(halfPastTwo, "2026-10-24T02:30+02:00")).isEqualTo("2026-10-25T02:30+02:00");
		assertThat(next(halfPastTwo, "2026-10-25T02:30+02:00")).isEqualTo("2026-10-26T02:30+01:00");
		OccurrenceTimes hourly = OccurrenceTimes.cron("0 0 * * * *", BERLIN);
		assertThat(next(hourly, "2026-03-29T01:00+01:00")).isEqualTo("2026-03-29T03:00+02:00");
		assertThat(next(hourly, "2026-10-25T02:00+02:00")).isEqualTo("2026-10-25T02:00+01:00");
	}

	private static String next(OccurrenceTimes times, String previous) {
		Instant at = OffsetDateTime.parse(previous).toInstant();
		return times.next(at, at).atZone(BERLIN).toOffsetDateTime().toString();
	}

}
