package dev.delayqueue.docs.gettingstarted;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.delayqueue.test.AutoConfigureDelayQueueTestKit;
import dev.delayqueue.test.DelayQueueTestKit;

import static org.assertj.core.api.Assertions.assertThat;

// tag::test[]
@SpringBootTest
@AutoConfigureDelayQueueTestKit                 // a Redis of its own and a clock the test moves
class OrderTimeoutsKitTests {

	@Autowired OrderTimeouts timeouts;
	@Autowired Orders orders;
	@Autowired DelayQueueTestKit delayQueue;

	@Test
	void anUnpaidOrderIsCancelledAfterThirtyMinutes() {
		orders.place("42");
		timeouts.orderPlaced("42");
		delayQueue.advance(Duration.ofMinutes(30));            // returns once what fell due was delivered
		assertThat(orders.status("42")).isEqualTo("CANCELLED");
	}

}
// end::test[]
