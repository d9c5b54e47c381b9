package dev.delayqueue.docs.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TopicStats;

/**
 * Calls of the {@link DelayQueue} API as the API page shows them.
 */
class SchedulingExamples {

	private final DelayQueue delayQueue;

	SchedulingExamples(DelayQueue delayQueue) {
		this.delayQueue = delayQueue;
	}

	void schedule() {
		// tag::schedule[]
		// "cancel order 42 if still unpaid in 30 minutes": the body is written as JSON
		delayQueue.schedule("order", "42", Map.of("orderId", "42", "amount", 1299), Duration.ofMinutes(30));

		// "publish product 7 at 10:00"
		delayQueue.schedule("publish", "product-7", null, Instant.parse("2030-01-31T10:00:00Z"));

		// the same (topic, id) again replaces the job: new due time and body, attempts reset
		ScheduleResult result = delayQueue.schedule("order", "42", Map.of("orderId", "42"), Duration.ofMinutes(45));
		// result == ScheduleResult.REPLACED_PENDING
		// end::schedule[]
	}

	void request() {
		// tag::request[]
		ScheduleResult result = delayQueue.schedule(JobRequest.builder("group-buy", "9")
			.at(Instant.parse("2030-02-01T18:00:00Z"))
			.body(Map.of("groupBuyId", 9))
			.maxAttempts(3)                 // this job's own limit, instead of its topic's
			.ifAbsent()                     // leave an existing job alone
			.build());
		if (result == ScheduleResult.ALREADY_EXISTS) {
			// another instance scheduled it first: nothing changed
		}
		// end::request[]
	}

	void batch(List<String> orderIds) {
		// tag::batch[]
		List<JobRequest> requests = orderIds.stream()
			.map((id) -> JobRequest.builder("order", id).delay(Duration.ofMinutes(30)).build())
			.toList();
		List<ScheduleResult> results = delayQueue.scheduleAll(requests);   // one result per request, in order
		// end::batch[]
	}

	void change() {
		// tag::change[]
		Optional<JobState> before = delayQueue.reschedule("order", "42", Instant.now().plusSeconds(600));
		// empty: no such job; PENDING, IN_FLIGHT or DEAD: the state it was in

		boolean cancelled = delayQueue.cancel("order", "42");   // false when there was no such job

		Optional<DelayedJob> job = delayQueue.get("order", "42");
		job.ifPresent((j) -> System.out.println(j.state() + " due " + j.dueAt() + " after " + j.attempts()
				+ " attempts, last error: " + j.lastError()));
		// end::change[]
	}

	void dead() {
		// tag::dead[]
		List<DelayedJob> dead = delayQueue.deadJobs("order", 0, 100);   // oldest death first
		for (DelayedJob job : dead) {
			System.out.println(job.id() + ": " + job.lastError());
		}
		delayQueue.redrive("order", "42");        // due now, attempts reset; false when it is not dead
		long redriven = delayQueue.redriveAll("order");
		delayQueue.purge("order", "43");          // deletes a dead job only
		long purged = delayQueue.purgeAll("order");

		TopicStats stats = delayQueue.stats("order");
		System.out.println(stats.pending() + " pending, " + stats.inFlight() + " in flight, " + stats.dead() + " dead");
		// end::dead[]
	}

}
