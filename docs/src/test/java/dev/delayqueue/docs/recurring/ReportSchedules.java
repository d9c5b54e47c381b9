package dev.delayqueue.docs.recurring;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.springframework.stereotype.Component;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.RecurringJob;
import dev.delayqueue.handler.DelayedJobHandler;

/**
 * Recurring jobs as the recurring-jobs page shows them.
 */
@Component
class ReportSchedules {

	private final DelayQueue delayQueue;

	private final Reports reports;

	ReportSchedules(DelayQueue delayQueue, Reports reports) {
		this.delayQueue = delayQueue;
		this.reports = reports;
	}

	// tag::handler[]
	@DelayedJobHandler(topic = "report")            // every occurrence of every schedule on topic "report"
	void build(Report report, DelayedJob job) {
		reports.build(report.kind(), job.id());      // job.id() is the schedule's name; throw to retry
	}

	record Report(String kind) {
	}
	// end::handler[]

	// tag::api[]
	Instant declare() {
		RecurringJob weekly = RecurringJob.cron("weekly-report", "report", "0 0 6 * * MON")
			.zone(ZoneId.of("Europe/Berlin"))
			.body(new Report("weekly"))
			.missed(RecurringJob.Missed.SKIP)                     // after downtime: no stale Monday report
			.build();
		return delayQueue.scheduleRecurring(weekly);            // idempotent: every instance may call it
	}

	void pollEveryFiveMinutes() {
		delayQueue.scheduleRecurring(RecurringJob.every("poll-feeds", "feeds", Duration.ofMinutes(5)).build());
	}

	void stop() {
		delayQueue.removeRecurring("poll-feeds");              // and its pending occurrence
	}
	// end::api[]

	interface Reports {

		void build(String kind, String schedule);

	}

}
