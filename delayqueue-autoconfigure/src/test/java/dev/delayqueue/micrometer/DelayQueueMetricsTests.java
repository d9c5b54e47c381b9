package dev.delayqueue.micrometer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobRequest;
import dev.delayqueue.NonRetryableJobException;
import dev.delayqueue.TestRedis;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.autoconfigure.DelayQueueMetricsAutoConfiguration;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters as a user's registry sees them, with real jobs delivered by a real worker from a real Redis.
 */
class DelayQueueMetricsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class, DelayQueueMetricsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
				"delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix(), "delayqueue.metrics.refresh=1s",
				"delayqueue.defaults.retry.initial-interval=50ms", "delayqueue.defaults.retry.jitter=0")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(Handlers.class);

	static class Handlers {

		@DelayedJobHandler(topic = "order", maxAttempts = "2")
		void order(DelayedJob job) {
			if (job.id().startsWith("fail")) {
				throw new IllegalStateException("always fails");
			}
			if (job.id().startsWith("dead")) {
				throw new NonRetryableJobException("no use retrying");
			}
		}

	}

	@Test
	void deliveriesAreTimedByOutcomeAndLatenessHasItsHistogram() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (int i = 0; i < 5; i++) {
				queue.schedule("order", "ok-" + i, null, Duration.ofSeconds(2));
			}
			queue.schedule("order", "fail-1", null, Duration.ZERO);
			queue.schedule("order", "dead-1", null, Duration.ZERO);
			queue.schedule("order", "ok-0", null, Duration.ofSeconds(2));
			queue.schedule(JobRequest.builder("order", "ok-1").delay(Duration.ofSeconds(2))
				.ifAbsent().build());
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(count(registry, "delayqueue.delivery", "outcome", "success")).isEqualTo(5);
				assertThat(count(registry, "delayqueue.delivery", "outcome", "dead")).isEqualTo(2);
				assertThat(count(registry, "delayqueue.delivery", "outcome", "retry")).isEqualTo(1);
			});
			Timer lateness = registry.get("delayqueue.delivery.lateness").tags("topic", "order", "lane", "local").timer();
			assertThat(lateness.count()).isEqualTo(8);
			assertThat(lateness.takeSnapshot().histogramCounts()).extracting(CountAtBucket::bucket)
				.contains(Duration.ofMillis(10).toNanos() * 1.0, Duration.ofMillis(100).toNanos() * 1.0,
						Duration.ofSeconds(1).toNanos() * 1.0, Duration.ofSeconds(10).toNanos() * 1.0);
			assertThat(registry.get("delayqueue.jobs.scheduled").tags("topic", "order", "result", "created")
				.counter().count()).isEqualTo(7);
			assertThat(registry.get("delayqueue.jobs.scheduled").tags("topic", "order", "result", "replaced")
				.counter().count()).isEqualTo(1);
			assertThat(registry.get("delayqueue.jobs.scheduled").tags("topic", "order", "result", "unchanged")
				.counter().count()).isEqualTo(1);
		});
	}

	@Test
	void gaugesReadTheTopicsCountsAndOverdueAgeFromRedis() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// nobody serves "unserved": its due jobs wait and grow overdue
			queue.schedule("unserved", "a", null, Instant.now().minusSeconds(30));
			queue.schedule("unserved", "b", null, Duration.ofHours(1));
			queue.schedule("order", "later", null, Duration.ofHours(1));
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(gauge(registry, "delayqueue.jobs", Map.of("topic", "unserved", "state", "pending")))
					.isEqualTo(2);
				assertThat(gauge(registry, "delayqueue.jobs.overdue", Map.of("topic", "unserved"))).isBetween(29.0,
						60.0);
				assertThat(gauge(registry, "delayqueue.jobs", Map.of("topic", "order", "state", "pending")))
					.isEqualTo(1);
				assertThat(gauge(registry, "delayqueue.jobs.overdue", Map.of("topic", "order"))).isZero();
				assertThat(gauge(registry, "delayqueue.jobs", Map.of("topic", "order", "state", "dead"))).isZero();
			});
		});
	}

	@Test
	void aPartitionedTopicsGaugesSumItsPartitions() {
		this.runner.withPropertyValues("delayqueue.topics.spread.partitions=4").run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (int i = 0; i < 40; i++) {
				queue.schedule("spread", "job-" + i, null, (i < 10) ? Instant.now().minusSeconds(20 + i)
						: Instant.now().plusSeconds(3600));
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(gauge(registry, "delayqueue.jobs", Map.of("topic", "spread", "state", "pending")))
					.isEqualTo(40);
				assertThat(gauge(registry, "delayqueue.jobs.overdue", Map.of("topic", "spread"))).isBetween(29.0,
						60.0);
			});
		});
	}

	@Test
	void topicsPastTheLimitShareOneTagValueAndTheServedTopicsKeepTheirs() {
		this.runner.withPropertyValues("delayqueue.metrics.max-topics=2").run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			queue.schedule("first", "1", null, Duration.ofHours(1));
			queue.schedule("second", "1", null, Duration.ofHours(1));
			queue.schedule("third", "1", null, Duration.ofHours(1));
			queue.schedule("order", "1", null, Duration.ofHours(1));
			assertThat(registry.get("delayqueue.jobs.scheduled").tag("topic", "order").counter().count()).isEqualTo(1);
			assertThat(registry.get("delayqueue.jobs.scheduled").tag("topic", "first").counter().count()).isEqualTo(1);
			assertThat(registry.get("delayqueue.jobs.scheduled").tag("topic", "(other)").counter().count())
				.isEqualTo(2);
			assertThat(registry.find("delayqueue.jobs.scheduled").tag("topic", "second").counter()).isNull();
		});
	}

	private static long count(MeterRegistry registry, String name, String tag, String value) {
		Timer timer = registry.find(name).tags("topic", "order", "lane", "local", tag, value).timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static double gauge(MeterRegistry registry, String name, Map<String, String> tags) {
		var search = registry.find(name);
		for (Map.Entry<String, String> tag : tags.entrySet()) {
			search = search.tag(tag.getKey(), tag.getValue());
		}
		var gauge = search.gauge();
		return (gauge != null) ? gauge.value() : Double.NaN;
	}

}
