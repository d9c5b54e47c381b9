package dev.delayqueue.samples.ordertimeout;

import java.time.Instant;

/**
 * An order of the sample shop.
 *
 * @param id the order id
 * @param amount what it costs, in cents
 * @param status where it is
 * @param createdAt when it was placed
 * @param payBefore when it is cancelled unless paid
 */
public record Order(String id, long amount, Status status, Instant createdAt, Instant payBefore) {

	/** Order status. */
	public enum Status {

		/** Placed, not paid yet. */
		UNPAID,

		/** Paid in time. */
		PAID,

		/** Not paid in time. */
		CANCELLED

	}

	Order withStatus(Status status) {
		return new Order(this.id, this.amount, status, this.createdAt, this.payBefore);
	}

}
