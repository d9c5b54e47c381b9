package dev.delayqueue.autoconfigure;

import java.time.Clock;
import java.util.Set;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.delayqueue.micrometer.DelayQueueMetrics;
import dev.delayqueue.redis.SilentChannels;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Outbox;
import dev.delayqueue.worker.JobWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of delayqueue's Micrometer meters ({@link DelayQueueMetrics}), when Micrometer is on the
 * classpath and the application has a {@link MeterRegistry} (Spring Boot's, with spring-boot-starter-actuator or
 * spring-boot-micrometer-metrics). {@code delayqueue.metrics.enabled=false} turns it off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DelayQueueAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, JobStore.class })
@ConditionalOnBooleanProperty(name = "delayqueue.metrics.enabled", matchIfMissing = true)
public final class DelayQueueMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DelayQueueMetrics delayQueueMetrics(MeterRegistry registry, JobStore store, ObjectProvider<DelayQueueClock> clock,
			DelayQueueProperties properties, ObjectProvider<JobWorker> worker,
			ObjectProvider<SilentChannels> silentChannels, ObjectProvider<Outbox> outbox) {
		// Redis connections closed for Lettuce to reconnect, when delayqueue watches them
		silentChannels.ifAvailable((channels) -> FunctionCounter
			.builder("delayqueue.redis.connections.closed", channels, SilentChannels::closed)
			.description("Redis connections closed for Lettuce to reconnect: silent for the command timeout, or a "
					+ "subscription whose probe did not come back")
			.register(registry));
		// the outbox's rows not relayed yet, read from the database when the registry asks
		Clock time = DelayQueueAutoConfiguration.clock(clock);
		outbox.ifAvailable((rows) -> {
			Gauge.builder("delayqueue.outbox.backlog", rows, (o) -> readOrNaN(o::backlog))
				.description("Rows of the outbox table not relayed to Redis yet")
				.register(registry);
			Gauge.builder("delayqueue.outbox.oldest", rows,
					(o) -> readOrNaN(() -> o.oldestAgeMillis(time.millis())) / 1000.0)
				.description("Seconds the oldest row of the outbox table has waited to be relayed; 0 when none")
				.baseUnit("seconds")
				.register(registry);
		});
		return new DelayQueueMetrics(registry, store, DelayQueueAutoConfiguration.clock(clock),
				new DelayQueuePropertiesMapper(properties).metricsSettings(), () -> {
					JobWorker running = worker.getIfAvailable();
					return (running != null) ? running.topics() : Set.of();
				});
	}

	/** A value read from the database, or NaN (no value) when it cannot be read now. */
	private static double readOrNaN(java.util.function.LongSupplier read) {
		try {
			return read.getAsLong();
		}
		catch (RuntimeException ex) {
			return Double.NaN;
		}
	}

}
