package dev.delayqueue.docs.recurring;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobRequest;
import dev.delayqueue.handler.DelayedJobHandler;

/**
 * A job that schedules its own next occurrence, as the recurring-jobs page shows it.
 */
@Component
class NightlyReport {

	private final DelayQueue delayQueue;

	private final Reports reports;

	NightlyReport(DelayQueue delayQueue, Reports reports) {
		this.delayQueue = delayQueue;
		this.reports = reports;
	}

	// tag::recurring[]
	static final CronExpression CRON = CronExpression.parse("0 0 4 * * *");     // 04:00 every night, clear of DST changes
	static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

	record Occurrence(Instant at) {             // in the body: dueAt() moves with retries, this does not
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {                  // every instance does this; ifAbsent keeps exactly one pending occurrence
		Instant first = next(Instant.now());
		delayQueue.schedule(JobRequest.builder("report", "nightly").at(first).body(new Occurrence(first)).ifAbsent()
			.build());
	}

	@DelayedJobHandler(topic = "report")
	void run(Occurrence occurrence) {
		reports.build(occurrence.at());                           // throws: retried by the topic's policy
		Instant next = next(occurrence.at());                     // last step: nothing may fail after it
		delayQueue.schedule("report", "nightly", new Occurrence(next), next);
	}

	static Instant next(Instant after) {
		return CRON.next(ZonedDateTime.ofInstant(after, ZONE)).toInstant();
	}
	// end::recurring[]

	/**
	 * What the report job does.
	 */
	interface Reports {

		void build(Instant forNight);

	}

}
