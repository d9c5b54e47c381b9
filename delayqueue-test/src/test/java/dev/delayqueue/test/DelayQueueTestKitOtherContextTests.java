package dev.delayqueue.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueue;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second context beside {@link DelayQueueTestKitTests}'s (one property more), both kept by Spring's context cache:
 * each has a key prefix of its own, so neither worker delivers the other's jobs, and the first context, paused by
 * the cache while this one runs, is used again by {@link DelayQueueTestKitReusedContextTests}.
 */
@SpringBootTest(properties = { "delayqueue.redis.key-prefix=testkit", "delayqueue.topics.flaky.retry.max-attempts=3",
		"delayqueue.topics.flaky.retry.initial-interval=1m", "delayqueue.defaults.retry.jitter=0",
		"delayqueue.defaults.lease=20s" }, classes = DelayQueueTestKitTests.Application.class)
@AutoConfigureDelayQueueTestKit
class DelayQueueTestKitOtherContextTests {

	@Autowired
	DelayQueueTestKit kit;

	@Autowired
	DelayQueue queue;

	@Autowired
	DelayQueueTestKitTests.Handlers handlers;

	@Test
	void thisContextsJobsGoToThisContextsHandlers() {
		this.handlers.ran.clear();
		this.queue.schedule("order", "other-context", null, Duration.ofMinutes(5));
		this.kit.advance(Duration.ofMinutes(5));
		assertThat(this.handlers.ran).containsExactly("order other-context");
	}

}
