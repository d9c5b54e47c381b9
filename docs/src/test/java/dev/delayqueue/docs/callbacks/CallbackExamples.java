package dev.delayqueue.docs.callbacks;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobRequest;
import dev.delayqueue.SuccessContract;

/**
 * Scheduling a job delivered over HTTP, as the callbacks page shows it.
 */
class CallbackExamples {

	private final DelayQueue delayQueue;

	CallbackExamples(DelayQueue delayQueue) {
		this.delayQueue = delayQueue;
	}

	void publishAtTen() {
		// tag::callback[]
		delayQueue.schedule(JobRequest.builder("publish", "product-7")
			.at(Instant.parse("2030-01-31T10:00:00Z"))
			.body(Map.of("productId", 7))                                        // the request body, as JSON
			.callback(JobCallback.post("https://catalog.internal/publish")      // or .withMethod("PUT")
				.withHeaders(Map.of("Authorization", "Bearer s3cr3t-token"))
				.withSuccess(SuccessContract.STATUS_2XX))                        // the default
			.backoff(new Backoff(Duration.ofSeconds(10), 2.0, Duration.ofHours(1)))   // optional, per job
			.maxAttempts(8)
			.build());
		// end::callback[]
	}

}
