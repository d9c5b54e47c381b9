package dev.delayqueue.autoconfigure;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.handler.TopicSettingsResolver;
import dev.delayqueue.http.CallbackDispatcher;
import dev.delayqueue.http.CallbackSettings;
import dev.delayqueue.http.CallbackWebClientFactory;
import dev.delayqueue.http.HostAllowList;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.worker.CallbackDelivery;
import dev.delayqueue.worker.TopicSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of HTTP callback delivery: a {@link CallbackDispatcher} on the application's
 * {@link WebClient.Builder}, handed to the worker so this instance delivers jobs that carry a callback, of every
 * topic. Needs spring-webflux and Reactor Netty; {@code delayqueue.http.enabled=false} turns it off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DelayQueueAutoConfiguration.class,
		afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnClass({ WebClient.class, HttpClient.class })
@ConditionalOnBean(JobStore.class)
@ConditionalOnBooleanProperty(name = "delayqueue.http.enabled", matchIfMissing = true)
public final class DelayQueueHttpAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CallbackDispatcher delayQueueCallbackDispatcher(ObjectProvider<WebClient.Builder> webClientBuilder,
			CallbackValidator callbackValidator, ObjectProvider<JsonMapper> jsonMapper,
			DelayQueueProperties properties, ObjectProvider<DelayQueueClock> clock,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		CallbackSettings settings = new DelayQueuePropertiesMapper(properties).callbackSettings();
		// the connect-time address check stays on even when the application replaced the validator
		HostAllowList allowList = (callbackValidator instanceof HostAllowList list) ? list
				: DelayQueueAutoConfiguration.allowList(properties);
		WebClient webClient = CallbackWebClientFactory.create(webClientBuilder.getIfAvailable(WebClient::builder),
				settings, allowList);
		CallbackDispatcher dispatcher = new CallbackDispatcher(webClient, settings, callbackValidator,
				jsonMapper.getIfAvailable(JsonMapper::new), DelayQueueAutoConfiguration.clock(clock));
		if (properties.getTracing().isEnabled()) {
			observationRegistry.ifUnique(dispatcher::setObservationRegistry);
		}
		return dispatcher;
	}

	@Bean
	@ConditionalOnMissingBean
	CallbackDelivery delayQueueCallbackDelivery(CallbackDispatcher dispatcher, DelayQueueProperties properties,
			ObjectProvider<TopicSettingsResolver> resolver) {
		// a topic's callback lane is resolved as its handler would be (delayqueue.topics.<topic>.*, customizers),
		// starting from the defaults with delayqueue.http.max-concurrency jobs at once and none prefetched
		TopicSettingsResolver topics = resolver.getIfAvailable(() -> TopicSettingsResolver.DEFAULT);
		TopicSettings base = topics.defaults()
			.toBuilder()
			.concurrency(properties.getHttp().getMaxConcurrency())
			.prefetch(0)
			.build();
		return new CallbackDelivery(dispatcher, (topic) -> topics.resolve(topic, base));
	}

}
