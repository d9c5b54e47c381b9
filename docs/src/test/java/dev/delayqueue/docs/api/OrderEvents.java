package dev.delayqueue.docs.api;

import java.time.Duration;
import java.time.Instant;

import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.NonRetryableJobException;
import dev.delayqueue.RetryJobLaterException;
import dev.delayqueue.handler.DelayQueueHeaders;
import dev.delayqueue.handler.DelayedJobHandler;

/**
 * Handler methods as the API page shows them.
 */
@Component
class OrderEvents {

	private final Payments payments;

	OrderEvents(Payments payments) {
		this.payments = payments;
	}

	// tag::parameters[]
	record OrderRef(String orderId, long amount) {
	}

	@DelayedJobHandler(topic = "order", concurrency = "8", maxAttempts = "5", noRetryFor = IllegalStateException.class)
	void cancelIfUnpaid(OrderRef order,                          // the body, bound by Jackson
			DelayedJob job,                                      // topic, id, attempts(), dueAt(), raw body
			@Header(DelayQueueHeaders.ATTEMPT) int attempt,      // 1 on the first delivery
			@Header(DelayQueueHeaders.DUE_AT) Instant dueAt) {
		payments.cancelIfUnpaid(order.orderId());                // returns: done; throws: retried, then dead
	}
	// end::parameters[]

	// tag::optional-body[]
	@DelayedJobHandler(topic = "reminder")
	void remind(@Payload(required = false) String text, @Header(DelayQueueHeaders.ID) String id) {
		// text is null for a job scheduled without a body
	}
	// end::optional-body[]

	// tag::outcomes[]
	@DelayedJobHandler(topic = "capture", maxAttempts = "${payments.capture-attempts:8}")
	void capture(OrderRef order) {
		switch (payments.capture(order.orderId())) {
			case CAPTURED -> { }                                      // success: the job is deleted
			case PROVIDER_BUSY -> throw new RetryJobLaterException(  // again in 2 minutes, attempt not spent
					Duration.ofMinutes(2), "payment provider busy");
			case CARD_EXPIRED -> throw new NonRetryableJobException( // straight to dead, kept for inspection
					"card expired for order " + order.orderId());
			case FAILED -> throw new IllegalStateException(          // retried with backoff, dead after 8
					"capture failed for order " + order.orderId());
		}
	}
	// end::outcomes[]

	/**
	 * The payment system the handlers call.
	 */
	interface Payments {

		void cancelIfUnpaid(String orderId);

		Capture capture(String orderId);

	}

	/**
	 * What a capture did.
	 */
	enum Capture {

		CAPTURED, PROVIDER_BUSY, CARD_EXPIRED, FAILED

	}

}
