package dev.delayqueue.docs.check;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.autoconfigure.DelayQueueMetricsAutoConfiguration;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.handler.DelayedJobHandler;
import dev.delayqueue.micrometer.DelayQueueMetrics;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The observability page's meter table lists exactly the meters delayqueue registers, as a real registry sees them
 * after real jobs.
 */
class ObservabilityPageTests {

	private static final RedisServerProcess redis = RedisServerProcess.start();

	private final DocsTree tree = DocsTree.fromSystemProperties();

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	static class Handlers {

		@DelayedJobHandler(topic = "order")
		void order(DelayedJob job) {
		}

	}

	@Test
	void theMeterTableListsEveryMeterAndNothingElse() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					DelayQueueAutoConfiguration.class, DelayQueueMetricsAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + redis.url(), "delayqueue.metrics.refresh=1s",
					"delayqueue.outbox.enabled=true", "delayqueue.outbox.initialize-schema=true")
			.withBean(DataSource.class,
					() -> new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build())
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(Handlers.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(DelayQueue.class).schedule("order", "1", null, Duration.ZERO);
				DelayQueueMetrics metrics = context.getBean(DelayQueueMetrics.class);
				metrics.onLeaseExpired("order", "2");
				metrics.onWorkerError(null, new IllegalStateException("Redis down"), Duration.ofSeconds(1));
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(registered(registry)).contains("delayqueue.delivery",
							"delayqueue.jobs.overdue"));
				Set<String> listed = MeterTable.names(this.tree.read(this.tree.docsDir().resolve("observability.md")));
				assertThat(listed).containsExactlyInAnyOrderElementsOf(registered(registry));
			});
	}

	private static Set<String> registered(MeterRegistry registry) {
		Set<String> names = new TreeSet<>();
		for (Meter meter : registry.getMeters()) {
			String name = meter.getId().getName();
			// the registry's own view of a histogram (SimpleMeterRegistry's ".histogram" gauges) is no meter of ours
			if (name.startsWith("delayqueue.") && !name.endsWith(".histogram") && !name.endsWith(".percentile")) {
				names.add(name);
			}
		}
		return names;
	}

}
