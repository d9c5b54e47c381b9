package dev.delayqueue.docs.api;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.autoconfigure.TopicSettingsCustomizer;
import dev.delayqueue.event.DelayQueueListener;

/**
 * Listener and customizer beans as the API page shows them.
 */
@Configuration(proxyBeanMethods = false)
class ListenerExamples {

	// tag::listener[]
	@Bean
	DelayQueueListener deadJobAlerts() {
		Logger log = LoggerFactory.getLogger("order-alerts");
		return new DelayQueueListener() {

			@Override
			public void onDead(DelayedJob job, String reason, Throwable error) {
				log.error("job {}/{} is dead after {} attempts: {}", job.topic(), job.id(), job.attempts(), reason);
			}

			@Override
			public void onClaimed(DelayedJob job, Duration lateness) {
				if (lateness.toMillis() > 1000) {
					log.warn("job {}/{} started {} ms late", job.topic(), job.id(), lateness.toMillis());
				}
			}

		};
	}
	// end::listener[]

	// tag::customizer[]
	@Bean
	TopicSettingsCustomizer slowReports() {
		return (topic, settings) -> topic.startsWith("report-")
				? settings.toBuilder().concurrency(1).lease(Duration.ofMinutes(10)).build()
				: settings;
	}
	// end::customizer[]

}
