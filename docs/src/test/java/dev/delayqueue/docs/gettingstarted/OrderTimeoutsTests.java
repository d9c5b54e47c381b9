package dev.delayqueue.docs.gettingstarted;

// tag::test[]
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.delayqueue.DelayQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(properties = "delayqueue.embedded-redis.enabled=true")   // a redis-server of its own
class OrderTimeoutsTests {

	@Autowired OrderTimeouts timeouts;
	@Autowired Orders orders;
	@Autowired DelayQueue delayQueue;

	@Test
	void anUnpaidOrderIsCancelledAtItsDueTime() {
		orders.place("42");
		timeouts.orderPlaced("42");
		delayQueue.reschedule("order", "42", Instant.now());          // do not wait 30 minutes
		await().atMost(Duration.ofSeconds(5)).until(() -> orders.status("42").equals("CANCELLED"));
	}

}
// end::test[]
