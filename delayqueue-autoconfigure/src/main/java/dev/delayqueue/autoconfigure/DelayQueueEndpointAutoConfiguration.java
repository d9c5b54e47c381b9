package dev.delayqueue.autoconfigure;

import java.time.Clock;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.store.JobStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code delayqueue} Actuator endpoint ({@link DelayQueueEndpoint}), with
 * spring-boot-actuator on the classpath, when Spring Boot's exposure and access rules make it available.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DelayQueueAutoConfiguration.class)
@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
		"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint" })
@ConditionalOnBean({ JobStore.class, DelayQueue.class })
public final class DelayQueueEndpointAutoConfiguration {

	/**
	 * The endpoint, when available; nested so that its condition, a class of spring-boot-actuator-autoconfigure, is
	 * read only once the class conditions above have passed.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(DelayQueueEndpoint.class)
	static final class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DelayQueueEndpoint delayQueueEndpoint(DelayQueue queue, JobStore store, ObjectProvider<DelayQueueClock> clock) {
			return new DelayQueueEndpoint(queue, store, DelayQueueAutoConfiguration.clock(clock));
		}

	}

}
