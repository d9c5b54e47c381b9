package dev.delayqueue.samples.ordertimeout;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.stereotype.Service;

/**
 * The sample's orders (kept in memory to keep the sample short) and the delayed job that cancels unpaid ones.
 */
@Service
public class Orders {

	static final String TIMEOUT_TOPIC = "order-timeout";

	private static final Logger logger = LoggerFactory.getLogger(Orders.class);

	private final Map<String, Order> orders = new ConcurrentHashMap<>();

	private final DelayQueue delayQueue;

	private final OrderProperties properties;

	Orders(DelayQueue delayQueue, OrderProperties properties) {
		this.delayQueue = delayQueue;
		this.properties = properties;
	}

	Order place(long amount) {
		Instant now = Instant.now();
		Order order = new Order(UUID.randomUUID().toString(), amount, Order.Status.UNPAID, now,
				now.plus(this.properties.paymentTimeout()));
		this.orders.put(order.id(), order);
		// a delay, counted from delayqueue's own time (Redis's, or a test's virtual clock)
		this.delayQueue.schedule(TIMEOUT_TOPIC, order.id(), order.id(), this.properties.paymentTimeout());
		return order;
	}

	Optional<Order> find(String id) {
		return Optional.ofNullable(this.orders.get(id));
	}

	/**
	 * Pays an unpaid order and cancels its timeout job.
	 * @param id the order id
	 * @return the order, paid; or as it was when it is no longer unpaid
	 */
	Optional<Order> pay(String id) {
		Order paid = this.orders.computeIfPresent(id,
				(k, order) -> (order.status() == Order.Status.UNPAID) ? order.withStatus(Order.Status.PAID) : order);
		if (paid != null && paid.status() == Order.Status.PAID) {
			this.delayQueue.cancel(TIMEOUT_TOPIC, id);
		}
		return Optional.ofNullable(paid);
	}

	/**
	 * Runs when an order's payment time is up: cancels it unless it was paid. Safe to run twice.
	 * @param orderId the order id (the job's body)
	 */
	@DelayedJobHandler(topic = TIMEOUT_TOPIC)
	void cancelIfUnpaid(String orderId) {
		Order order = this.orders.computeIfPresent(orderId,
				(k, o) -> (o.status() == Order.Status.UNPAID) ? o.withStatus(Order.Status.CANCELLED) : o);
		if (order != null && order.status() == Order.Status.CANCELLED) {
			logger.info("Order {} was not paid before {}: cancelled", orderId, order.payBefore());
		}
	}

}
