package dev.delayqueue.docs.transactions;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayQueueException;

/**
 * An order and its time-out written together, as the transactions page shows it.
 */
@Service
class OrderService {

	private static final Logger log = LoggerFactory.getLogger(OrderService.class);

	private final JdbcClient jdbc;

	private final DelayQueue delayQueue;

	OrderService(JdbcClient jdbc, DelayQueue delayQueue) {
		this.jdbc = jdbc;
		this.delayQueue = delayQueue;
	}

	// tag::after-commit[]
	@Transactional
	public void placeOrder(String orderId, long amount) {
		jdbc.sql("insert into orders (id, amount, status) values (?, ?, 'UNPAID')").params(orderId, amount).update();
		delayQueue.schedule("order", orderId, null, Duration.ofMinutes(30));    // written after the commit
	}
	// end::after-commit[]

	static final class OrderController {

		private final OrderService orderService;

		OrderController(OrderService orderService) {
			this.orderService = orderService;
		}

		// tag::caller[]
		void place(String orderId, long amount) {
			try {
				orderService.placeOrder(orderId, amount);            // through the transactional proxy
			}
			catch (DelayQueueException ex) {   // thrown after the commit: the order exists, its time-out does not
				log.warn("order {} committed without its time-out; the sweep will add it", orderId, ex);
			}
		}
		// end::caller[]

	}

}
