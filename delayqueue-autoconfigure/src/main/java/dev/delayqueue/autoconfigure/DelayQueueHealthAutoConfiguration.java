package dev.delayqueue.autoconfigure;

import java.time.Clock;

import dev.delayqueue.store.JobStore;
import dev.delayqueue.worker.CallbackDelivery;
import dev.delayqueue.worker.JobWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code delayqueue} health contributor ({@link DelayQueueHealthIndicator}), with
 * spring-boot-health on the classpath, unless {@code management.health.delayqueue.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { DelayQueueAutoConfiguration.class, DelayQueueHttpAutoConfiguration.class })
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(JobStore.class)
public final class DelayQueueHealthAutoConfiguration {

	/**
	 * The contributor, unless disabled; nested so that its condition is read only once spring-boot-health is known
	 * to be there.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("delayqueue")
	static final class HealthConfiguration {

		/** Bean name {@code delayqueueHealthIndicator}: Spring Boot names the contributor {@code delayqueue}. */
		@Bean
		@ConditionalOnMissingBean(name = "delayqueueHealthIndicator")
		DelayQueueHealthIndicator delayqueueHealthIndicator(JobStore store, ObjectProvider<JobWorker> worker,
				ObjectProvider<CallbackDelivery> callbacks, ObjectProvider<DelayQueueClock> clock,
				DelayQueueProperties properties) {
			return new DelayQueueHealthIndicator(store, worker.getIfAvailable(), callbacks.getIfAvailable() != null,
					DelayQueueAutoConfiguration.clock(clock), properties.getHealth().getMaxOverdue());
		}

	}

}
