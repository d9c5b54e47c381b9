package dev.delayqueue.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.TestRedis;
import dev.delayqueue.handler.DelayedJobHandlerBeanPostProcessor;
import dev.delayqueue.handler.TopicSettingsResolver;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.redis.WakeSubscriber;
import dev.delayqueue.store.DefaultDelayQueue;
import dev.delayqueue.worker.JobWorker;
import dev.delayqueue.worker.TopicSettings;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

class DelayQueueAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port());

	@Test
	void delayqueueReadsRedisTimeUnlessTheApplicationsClockIsNotTheSystemClock() {
		this.runner.run((context) -> {
			DelayQueueClock clock = context.getBean(DelayQueueClock.class);
			assertThat(clock.redisTime()).isNotNull();
			assertThat(clock.redisTime().synced()).as("synced when the context started").isTrue();
			assertThat(clock.isRunning()).isTrue();
			assertThat(context.getBean(Clock.class)).isEqualTo(Clock.systemUTC());
		});
		Clock fixed = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
		this.runner.withBean(Clock.class, () -> fixed).run((context) -> {
			assertThat(context.getBean(DelayQueueClock.class).redisTime()).isNull();
			assertThat(context.getBean(DelayQueueClock.class).clock()).isSameAs(fixed);
		});
		this.runner.withBean(Clock.class, Clock::systemDefaultZone)
			.run((context) -> assertThat(context.getBean(DelayQueueClock.class).redisTime()).isNotNull());
		this.runner.withPropertyValues("delayqueue.clock.redis-time=false").run((context) -> {
			assertThat(context.getBean(DelayQueueClock.class).redisTime()).isNull();
			assertThat(context.getBean(DelayQueueClock.class).clock()).isEqualTo(Clock.systemUTC());
		});
	}

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
		this.runner.run((context) -> assertThat(((LettuceConnectionFactory) context
			.getBean(RedisConnectionFactory.class)).getClientConfiguration().getCommandTimeout())
			.isEqualTo(Duration.ofSeconds(5)));
		this.runner.withPropertyValues("spring.data.redis.timeout=42s")
			.run((context) -> assertThat(((LettuceConnectionFactory) context.getBean(RedisConnectionFactory.class))
				.getClientConfiguration()
				.getCommandTimeout())
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
					"delayqueue.topics.order.lease=45s", "delayqueue.topics.order.retry.max-attempts=7",
					"delayqueue.topics.order.no-retry-for=java.lang.IllegalStateException")
			.withBean(TopicSettingsCustomizer.class,
					() -> (topic, settings) -> settings.toBuilder().concurrency(settings.concurrency() + 1).build())
			.run((context) -> {
				TopicSettingsResolver resolver = context.getBean(TopicSettingsResolver.class);
				TopicSettings defaults = resolver.defaults();
				assertThat(defaults.concurrency()).isEqualTo(2);
				assertThat(defaults.retry().maxAttempts()).isEqualTo(4);
				TopicSettings order = resolver.resolve("order", defaults.toBuilder().concurrency(5).build());
				assertThat(order.concurrency()).isEqualTo(6);
				assertThat(order.lease()).isEqualTo(Duration.ofSeconds(45));
				assertThat(order.retry().maxAttempts()).isEqualTo(7);
				assertThat(order.isNonRetryable(new IllegalStateException())).isTrue();
				assertThat(resolver.resolve("other", defaults).lease()).isEqualTo(TopicSettings.DEFAULT_LEASE);
			});
	}

	@Test
	void aTopicWithDotsIsWrittenInBrackets() {
		this.runner.withPropertyValues("delayqueue.topics[order.created].lease=45s",
				"delayqueue.topics[order.created].retry.max-attempts=2")
			.run((context) -> {
				TopicSettingsResolver resolver = context.getBean(TopicSettingsResolver.class);
				TopicSettings settings = resolver.resolve("order.created", resolver.defaults());
				assertThat(settings.lease()).isEqualTo(Duration.ofSeconds(45));
				assertThat(settings.retry().maxAttempts()).isEqualTo(2);
			});
	}

	@Test
	void aTopicWithDotsWrittenWithoutBracketsFailsTheStartupShowingTheBracketForm() {
		this.runner.withPropertyValues("delayqueue.topics.order.created.lease=45s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(UnboundTopicPropertyException.class)
				.hasMessageContaining("delayqueue.topics.order.created.lease binds to nothing")
				.hasMessageContaining("delayqueue.topics[order.created].lease"));
	}

	@Test
	void aRetryKeyOutsideRetryFailsTheStartupNamingItsPlace() {
		this.runner.withPropertyValues("delayqueue.topics.order.max-attempts=7")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.topics.order.max-attempts binds to nothing")
				.hasMessageContaining("delayqueue.topics[order].retry.max-attempts"));
	}

	@Test
	void anUnknownTopicKeyFailsTheStartupListingTheKeys() {
		this.runner.withPropertyValues("delayqueue.topics.order.concurency=3")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("topic 'order' has no setting 'concurency'")
				.hasMessageContaining("concurrency, lease, no-retry-for, partitions, prefetch, rate-limit, retry.initial-interval"));
	}

	@Test
	void aTopicSettingBreakingARuleFailsTheStartupNamingTheTopic() {
		this.runner.withPropertyValues("delayqueue.topics.order.retry.jitter=2")
			.run((context) -> {
				TopicSettingsResolver resolver = context.getBean(TopicSettingsResolver.class);
				assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
					.isThrownBy(() -> resolver.resolve("order", resolver.defaults()))
					.withMessageContaining("delayqueue.topics[order]")
					.withMessageContaining("jitter must be between 0 and 1, was 2.0");
			});
	}

	@Test
	void anApplicationClockIsTheClockOfDelayQueue() {
		Instant fixed = Instant.parse("2030-01-01T00:00:00Z");
		this.runner.withPropertyValues("delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix())
			.withBean(Clock.class, () -> Clock.fixed(fixed, ZoneOffset.UTC))
			.run((context) -> {
				DelayQueue queue = context.getBean(DelayQueue.class);
				queue.schedule("clock", "1", null, Duration.ofMinutes(1));
				assertThat(queue.get("clock", "1")).get()
					.satisfies((job) -> assertThat(job.dueAt()).isEqualTo(fixed.plusSeconds(60)));
			});
	}

	@Test
	void twoApplicationClocksWithoutAPrimaryLeaveDelayQueueOnTheSystemClock() {
		Clock past = Clock.fixed(Instant.parse("2000-01-01T00:00:00Z"), ZoneOffset.UTC);
		this.runner.withPropertyValues("delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix())
			.withBean("oneClock", Clock.class, () -> past)
			.withBean("otherClock", Clock.class, () -> past)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DelayQueue queue = context.getBean(DelayQueue.class);
				Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
				queue.schedule("clocks", "1", null, Duration.ofMinutes(1));
				assertThat(queue.get("clocks", "1")).get()
					.satisfies((job) -> assertThat(job.dueAt())
						// Redis's time, read a millisecond or two late, on the same host
						.isBetween(before.plusSeconds(60).minusMillis(50), before.plusSeconds(61)));
			});
	}

	@Test
	void twoConnectionFactoriesWithAPrimaryStillStart() {
		this.runner.withUserConfiguration(TwoConnectionFactories.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(DelayQueue.class));
	}

	@Test
	void twoConnectionFactoriesWithoutAPrimaryBackOff() {
		this.runner.withUserConfiguration(TwoConnectionFactoriesWithoutPrimary.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DelayQueue.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoConnectionFactories {

		@Bean
		@Primary
		LettuceConnectionFactory primaryRedis() {
			return new LettuceConnectionFactory("localhost", TestRedis.port());
		}

		@Bean
		LettuceConnectionFactory cacheRedis() {
			return new LettuceConnectionFactory("localhost", TestRedis.port());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoConnectionFactoriesWithoutPrimary {

		@Bean
		LettuceConnectionFactory oneRedis() {
			return new LettuceConnectionFactory("localhost", TestRedis.port());
		}

		@Bean
		LettuceConnectionFactory otherRedis() {
			return new LettuceConnectionFactory("localhost", TestRedis.port());
		}

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
