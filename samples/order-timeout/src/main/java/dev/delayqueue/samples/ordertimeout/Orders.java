package dev.delayqueue.samples.ordertimeout;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The sample's orders, in the application's database, and the delayed job that cancels unpaid ones. The order row
 * and its timeout job are written in one transaction (through delayqueue's outbox): both or neither.
 */
@Service
public class Orders {

	static final String TIMEOUT_TOPIC = "order-timeout";

	private static final Logger logger = LoggerFactory.getLogger(Orders.class);

	private final JdbcClient jdbc;

	private final DelayQueue delayQueue;

	private final OrderProperties properties;

	Orders(JdbcClient jdbc, DelayQueue delayQueue, OrderProperties properties) {
		this.jdbc = jdbc;
		this.delayQueue = delayQueue;
		this.properties = properties;
	}

	@Transactional
	Order place(long amount) {
		Instant now = Instant.now();
		Order order = new Order(UUID.randomUUID().toString(), amount, Order.Status.UNPAID, now,
				now.plus(this.properties.paymentTimeout()));
		this.jdbc.sql("insert into orders (id, amount, status, created_at, pay_before) values (?, ?, ?, ?, ?)")
			.params(order.id(), order.amount(), order.status().name(), utc(order.createdAt()), utc(order.payBefore()))
			.update();
		// in this transaction: written to the outbox table, relayed to Redis once it commits, never if it rolls back;
		// a delay, counted from delayqueue's own time (Redis's, or a test's virtual clock)
		this.delayQueue.schedule(TIMEOUT_TOPIC, order.id(), order.id(), this.properties.paymentTimeout());
		return order;
	}

	Optional<Order> find(String id) {
		return this.jdbc.sql("select id, amount, status, created_at, pay_before from orders where id = ?")
			.param(id)
			.query((row, n) -> new Order(row.getString("id"), row.getLong("amount"),
					Order.Status.valueOf(row.getString("status")),
					row.getObject("created_at", OffsetDateTime.class).toInstant(),
					row.getObject("pay_before", OffsetDateTime.class).toInstant()))
			.optional();
	}

	/**
	 * Pays an unpaid order and cancels its timeout job.
	 * @param id the order id
	 * @return the order, paid; or as it was when it is no longer unpaid
	 */
	@Transactional
	Optional<Order> pay(String id) {
		int paid = this.jdbc.sql("update orders set status = 'PAID' where id = ? and status = 'UNPAID'")
			.param(id)
			.update();
		if (paid == 1) {
			this.delayQueue.cancel(TIMEOUT_TOPIC, id);
		}
		return find(id);
	}

	/**
	 * Runs when an order's payment time is up: cancels it unless it was paid. Safe to run twice.
	 * @param orderId the order id (the job's body)
	 */
	@DelayedJobHandler(topic = TIMEOUT_TOPIC)
	void cancelIfUnpaid(String orderId) {
		int cancelled = this.jdbc.sql("update orders set status = 'CANCELLED' where id = ? and status = 'UNPAID'")
			.param(orderId)
			.update();
		if (cancelled == 1) {
			logger.info("Order {} was not paid in time: cancelled", orderId);
		}
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
