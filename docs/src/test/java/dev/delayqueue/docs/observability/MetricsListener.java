package dev.delayqueue.docs.observability;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.event.DelayQueueListener;

/**
 * Lateness and outcomes recorded by a listener, as the observability page shows it.
 */
@Configuration(proxyBeanMethods = false)
class MetricsListener {

	// tag::metrics[]
	@Bean
	DelayQueueListener delayQueueMetrics(MeterRegistry registry) {
		return new DelayQueueListener() {

			@Override
			public void onClaimed(DelayedJob job, Duration lateness) {     // due time to claim
				Timer.builder("app.delayqueue.lateness").tag("topic", job.topic())
					.publishPercentileHistogram()
					.register(registry)
					.record(lateness);
			}

			@Override
			public void onSucceeded(DelayedJob job, Duration took) {
				registry.timer("app.delayqueue.delivery", "topic", job.topic(), "outcome", "success").record(took);
			}

			@Override
			public void onDead(DelayedJob job, String reason, Throwable error) {
				registry.counter("app.delayqueue.dead", "topic", job.topic()).increment();
			}

		};
	}
	// end::metrics[]

}
