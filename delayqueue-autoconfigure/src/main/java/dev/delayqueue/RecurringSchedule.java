package dev.delayqueue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.jspecify.annotations.Nullable;

/**
 * A recurring job as stored: what {@link DelayQueue#recurringJobs()} lists.
 *
 * @param name the schedule's name, also the id of its occurrences
 * @param topic the topic of its occurrences
 * @param cron the cron expression, or {@code null} for a fixed interval
 * @param zone the cron expression's time zone, or {@code null}
 * @param every the fixed interval, or {@code null} for a cron expression
 * @param body the body of its occurrences as JSON text, or {@code null}
 * @param callback the HTTP callback of its occurrences, or {@code null}
 * @param missed what happens to an occurrence found late
 * @param declaredIn {@code "configuration"} for a schedule from {@code delayqueue.recurring.*} properties (with the
 * application name that declared it after a colon), {@code "api"} for one from
 * {@link DelayQueue#scheduleRecurring(RecurringJob)}
 * @param nextOccurrence when the pending occurrence is due (its retry time while it is retried), or {@code null} when
 * none is stored yet
 * @since 0.2.0
 */
public record RecurringSchedule(String name, String topic, @Nullable String cron, @Nullable ZoneId zone,
		@Nullable Duration every, @Nullable String body, @Nullable JobCallback callback, RecurringJob.Missed missed,
		String declaredIn, @Nullable Instant nextOccurrence) {

}
