package dev.delayqueue.autoconfigure;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.delayqueue.TestRedis;
import dev.delayqueue.micrometer.DelayQueueMetrics;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class DelayQueueMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class, DelayQueueMetricsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
				"delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix());

	@Test
	void withAMeterRegistryTheMetersAreRecordedAndTheGaugesRefreshed() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(DelayQueueMetrics.class)
				.getBean(DelayQueueMetrics.class)
				.satisfies((metrics) -> assertThat(metrics.isRunning()).isTrue()));
	}

	@Test
	void backsOffWithoutARegistryWithoutMicrometerOrWhenDisabled() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DelayQueueMetrics.class));
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DelayQueueMetrics.class));
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("delayqueue.metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DelayQueueMetrics.class));
	}

	@Test
	void aRefreshUnderASecondFailsTheStartupNamingTheProperty() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("delayqueue.metrics.refresh=" + Duration.ofMillis(200).toMillis() + "ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasRootCauseMessage("delayqueue.metrics.refresh must be at least 1s, was PT0.2S"));
	}

}
