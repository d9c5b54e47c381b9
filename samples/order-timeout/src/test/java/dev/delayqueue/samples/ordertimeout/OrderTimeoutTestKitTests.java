package dev.delayqueue.samples.ordertimeout;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.delayqueue.test.AutoConfigureDelayQueueTestKit;
import dev.delayqueue.test.DelayQueueTestKit;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order sample with delayqueue's test kit: thirty minutes of payment time pass in a moment.
 */
@SpringBootTest(properties = "orders.payment-timeout=30m")
@AutoConfigureDelayQueueTestKit
class OrderTimeoutTestKitTests {

	@Autowired
	Orders orders;

	@Autowired
	DelayQueueTestKit delayQueue;

	@Test
	void anUnpaidOrderIsCancelledAfterThirtyMinutesAndAPaidOneIsNot() {
		Order unpaid = this.orders.place(1299);
		Order paid = this.orders.place(500);
		this.orders.pay(paid.id());

		this.delayQueue.advance(Duration.ofMinutes(29));
		assertThat(this.orders.find(unpaid.id())).map(Order::status).hasValue(Order.Status.UNPAID);

		this.delayQueue.advance(Duration.ofMinutes(1));
		assertThat(this.orders.find(unpaid.id())).map(Order::status).hasValue(Order.Status.CANCELLED);
		assertThat(this.orders.find(paid.id())).map(Order::status).hasValue(Order.Status.PAID);
		assertThat(this.delayQueue.job(Orders.TIMEOUT_TOPIC, paid.id())).as("its timeout job cancelled").isEmpty();
	}

}
