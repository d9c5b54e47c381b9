package dev.delayqueue.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.TestRedis;
import dev.delayqueue.http.CallbackDispatcher;
import dev.delayqueue.http.HostAllowList;
import dev.delayqueue.worker.CallbackDelivery;
import dev.delayqueue.worker.TopicSettings;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

class DelayQueueHttpAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class, DelayQueueHttpAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
				"delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix());

	@Test
	void withWebClientTheDispatcherIsHandedToTheWorker() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(CallbackDispatcher.class)
			.hasSingleBean(CallbackDelivery.class)
			.getBean(CallbackDelivery.class)
			.satisfies((delivery) -> assertThat(delivery.settings().apply("any").concurrency()).isEqualTo(256)));
	}

	@Test
	void callbackLanesHonourTheTopicsProperties() {
		this.runner
			.withPropertyValues("delayqueue.defaults.retry.max-attempts=4", "delayqueue.topics.order.lease=45s",
					"delayqueue.topics.order.retry.max-attempts=2", "delayqueue.topics.order.concurrency=8")
			.run((context) -> {
				CallbackDelivery delivery = context.getBean(CallbackDelivery.class);
				TopicSettings order = delivery.settings().apply("order");
				assertThat(order.lease()).isEqualTo(Duration.ofSeconds(45));
				assertThat(order.retry().maxAttempts()).isEqualTo(2);
				assertThat(order.concurrency()).isEqualTo(8);
				assertThat(order.prefetch()).isZero();
				TopicSettings other = delivery.settings().apply("other");
				assertThat(other.retry().maxAttempts()).isEqualTo(4);
				assertThat(other.concurrency()).isEqualTo(256);
			});
	}

	@Test
	void backsOffWithoutWebClientOrWhenDisabled() {
		this.runner.withClassLoader(new FilteredClassLoader(WebClient.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(CallbackDispatcher.class));
		this.runner.withPropertyValues("delayqueue.http.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CallbackDispatcher.class)
				.doesNotHaveBean(CallbackDelivery.class));
	}

	@Test
	void theAllowListComesFromProperties() {
		this.runner.withPropertyValues("delayqueue.http.allowed-hosts=*.example.com,10.0.0.0/8")
			.run((context) -> assertThat(context.getBean(CallbackValidator.class)).isInstanceOfSatisfying(
					HostAllowList.class,
					(list) -> assertThat(list.entries()).containsExactly("*.example.com", "10.0.0.0/8")));
		this.runner.withPropertyValues("delayqueue.http.allowed-hosts=a*b")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasRootCauseMessage("delayqueue.http.allowed-hosts entry 'a*b' must be a host name, *.domain, an IP "
						+ "address, a CIDR range or *"));
	}

	@Test
	void aShortSigningSecretFailsTheStartup() {
		this.runner.withPropertyValues("delayqueue.http.signing-secret=short")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.http.signing-secret must be at least 16 characters"));
	}

}
