package dev.delayqueue.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DefaultDelayQueue;
import dev.delayqueue.TestRedis;
import dev.delayqueue.handler.DelayedJobHandlerBeanPostProcessor;
import dev.delayqueue.handler.TopicSettingsResolver;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.redis.WakeSubscriber;
import dev.delayqueue.worker.JobWorker;
import dev.delayqueue.worker.TopicSettings;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class DelayQueueAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port());

	@Test
	void defaultsCreateEveryBean() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DelayQueue.class)
				.hasSingleBean(RedisJobStore.class)
				.hasSingleBean(JobKeys.class)
				.hasSingleBean(JobWorker.class)
				.hasSingleBean(WakeSubscriber.class)
				.hasSingleBean(TopicSettingsResolver.class)
				.hasSingleBean(DelayedJobHandlerBeanPostProcessor.class);
			assertThat(context.getBean(DelayQueue.class)).isInstanceOf(DefaultDelayQueue.class);
			assertThat(context.getBean(JobKeys.class).prefix()).isEqualTo("delayqueue");
		});
	}

	@Test
	void lettucesCommandTimeoutIsBoundedUnlessTheApplicationSetsOne() {
		this.runner.run((context) -> assertThat(
				((org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory) context
					.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class))
					.getClientConfiguration().getCommandTimeout())
			.isEqualTo(Duration.ofSeconds(5)));
		this.runner.withPropertyValues("spring.data.redis.timeout=42s")
			.run((context) -> assertThat(
					((org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory) context
						.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class))
						.getClientConfiguration().getCommandTimeout())
				.isEqualTo(Duration.ofSeconds(42)));
	}

		@Test
	void keyPrefixIsConfigurable() {
		this.runner.withPropertyValues("delayqueue.redis.key-prefix=shop")
			.run((context) -> assertThat(context.getBean(JobKeys.class).wakeChannel()).isEqualTo("shop:wake"));
	}

	@Test
	void aKeyPrefixWithBracesFailsTheStartup() {
		this.runner.withPropertyValues("delayqueue.redis.key-prefix=a{b}")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.redis.key-prefix must be non-empty, without braces"));
	}

	@Test
	void disabledCreatesNothing() {
		this.runner.withPropertyValues("delayqueue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DelayQueue.class)
				.doesNotHaveBean(JobWorker.class)
				.doesNotHaveBean(RedisJobStore.class)
				.doesNotHaveBean(DelayedJobHandlerBeanPostProcessor.class));
	}

	@Test
	void workerDisabledKeepsTheFacadeForSchedulingOnly() {
		this.runner.withPropertyValues("delayqueue.worker.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(DelayQueue.class)
				.doesNotHaveBean(JobWorker.class)
				.doesNotHaveBean(WakeSubscriber.class));
	}

	@Test
	void withoutRedisNothingIsCreated() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DelayQueueAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DelayQueue.class));
	}

	@Test
	void withoutSpringDataRedisOnTheClasspathNothingIsCreated() {
		this.runner.withClassLoader(new FilteredClassLoader(StringRedisTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(DelayQueue.class));
	}

	@Test
	void userBeansWin() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBean(DelayQueue.class)).isSameAs(context.getBean(UserBeans.class).queue);
			assertThat(context.getBean(JobKeys.class).prefix()).isEqualTo("mine");
			assertThat(context.getBean(TopicSettingsResolver.class)).isSameAs(TopicSettingsResolver.DEFAULT);
			assertThat(context).hasSingleBean(JobWorker.class);
		});
	}

	@Test
	void topicPropertiesOverrideTheAnnotationAndCustomizersComeLast() {
		this.runner
			.withPropertyValues("delayqueue.defaults.concurrency=2", "delayqueue.defaults.retry.max-attempts=4",
					"delayqueue.topics.order.lease=45s", "delayqueue.topics.order.max-attempts=7")
			.withBean(TopicSettingsCustomizer.class, () -> (topic, settings) -> new TopicSettings(
					settings.concurrency() + 1, settings.prefetch(), settings.lease(), settings.retry(),
					settings.noRetryFor()))
			.run((context) -> {
				TopicSettingsResolver resolver = context.getBean(TopicSettingsResolver.class);
				TopicSettings defaults = resolver.defaults();
				assertThat(defaults.concurrency()).isEqualTo(2);
				assertThat(defaults.retry().maxAttempts()).isEqualTo(4);
				TopicSettings order = resolver.resolve("order", new TopicSettings(5, defaults.prefetch(), defaults.lease(), defaults.retry(), defaults.noRetryFor()));
				assertThat(order.concurrency()).isEqualTo(6);
				assertThat(order.lease()).isEqualTo(Duration.ofSeconds(45));
				assertThat(order.retry().maxAttempts()).isEqualTo(7);
				assertThat(resolver.resolve("other", defaults).lease()).isEqualTo(TopicSettings.DEFAULT_LEASE);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		final DelayQueue queue = mock(DelayQueue.class);

		@Bean
		DelayQueue myQueue() {
			return this.queue;
		}

		@Bean
		JobKeys myKeys() {
			return new JobKeys("mine");
		}

		@Bean
		TopicSettingsResolver myResolver() {
			return TopicSettingsResolver.DEFAULT;
		}

	}

}
