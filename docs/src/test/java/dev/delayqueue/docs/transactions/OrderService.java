package dev.delayqueue.docs.transactions;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {     // not on rollback; a crash right here loses the job (see below)
				try {
					delayQueue.schedule("order", orderId, null, Duration.ofMinutes(30));
				}
				catch (DelayQueueException ex) {   // the order is committed: do not fail the caller
					log.warn("order {} committed without its time-out; the sweep will add it", orderId, ex);
				}
			}

		});
	}
	// end::after-commit[]

}
