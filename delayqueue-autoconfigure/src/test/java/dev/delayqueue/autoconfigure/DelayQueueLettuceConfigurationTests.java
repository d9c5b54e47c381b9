package dev.delayqueue.autoconfigure;

import java.time.Duration;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.Test;

import dev.delayqueue.TestRedis;
import dev.delayqueue.redis.SilentChannels;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconnect back-off delayqueue gives the Lettuce client Spring Boot builds, and how the application keeps its own.
 */
class DelayQueueLettuceConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(), "delayqueue.worker.enabled=false");

	@Test
	void reconnectWaitsDoubleFrom100MillisecondsUpTo2Seconds() {
		this.runner.run((context) -> {
			Delay delay = reconnectDelay(context);
			assertThat(delay.createDelay(1)).isEqualTo(Duration.ofMillis(100));
			assertThat(delay.createDelay(9)).isEqualTo(Duration.ofMillis(256));
			assertThat(delay.createDelay(11)).isEqualTo(Duration.ofMillis(1024));
			assertThat(delay.createDelay(12)).isEqualTo(Duration.ofSeconds(2));
			assertThat(delay.createDelay(100)).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void longestReconnectWaitIsAProperty() {
		this.runner.withPropertyValues("delayqueue.redis.reconnect-max-delay=5s")
			.run((context) -> assertThat(reconnectDelay(context).createDelay(100)).isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void aLongestReconnectWaitNotAboveTheFirstFailsTheStartupNamingTheProperty() {
		this.runner.withPropertyValues("delayqueue.redis.reconnect-max-delay=100ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("delayqueue.redis.reconnect-max-delay")
				.hasMessageContaining("longer than the first wait of 100 ms"));
	}

	@Test
	void theApplicationsOwnCustomizerComesAfterAndWins() {
		this.runner
			.withBean(ClientResourcesBuilderCustomizer.class,
					() -> (builder) -> builder.reconnectDelay(Delay.constant(Duration.ofSeconds(7))))
			.run((context) -> assertThat(reconnectDelay(context).createDelay(100)).isEqualTo(Duration.ofSeconds(7)));
	}

	@Test
	void theApplicationsOwnClientResourcesAreLeftAlone() {
		this.runner.withBean(ClientResources.class, DefaultClientResources::create, (definition) -> definition
			.setDestroyMethodName("shutdown"))
			.run((context) -> assertThat(reconnectDelay(context).createDelay(100)).isEqualTo(Duration.ofSeconds(30)));
	}

	@Test
	void withDelayQueueDisabledLettuceKeepsItsOwnBackOff() {
		this.runner.withPropertyValues("delayqueue.enabled=false")
			.run((context) -> assertThat(reconnectDelay(context).createDelay(100)).isEqualTo(Duration.ofSeconds(30)));
	}

	@Test
	void everyChannelIsWatchedForSilenceWithTheCommandTimeout() {
		this.runner.run((context) -> {
			SilentChannels channels = context.getBean(SilentChannels.class);
			assertThat(resources(context).nettyCustomizer()).isSameAs(channels);
			StringRedisTemplate redis = new StringRedisTemplate(context.getBean(RedisConnectionFactory.class));
			redis.opsForValue().set("delayqueue-lettuce-tests", "1");
			assertThat(channels.watched()).as("the shared connection's channel").isPositive();
		});
	}

	@Test
	void theSilenceWatchTakesTheTimeoutTheFactoryEndsUpWithAndIsOffWithoutIt() {
		this.runner
			.withBean(LettuceClientConfigurationBuilderCustomizer.class,
					() -> (builder) -> builder.commandTimeout(Duration.ofSeconds(42)))
			.run((context) -> assertThat(context.getBean(SilentChannels.class).isEnabled()).isTrue());
		this.runner.withBean(ClientResources.class, DefaultClientResources::create, (definition) -> definition
			.setDestroyMethodName("shutdown"))
			.run((context) -> assertThat(context.getBean(SilentChannels.class).isEnabled())
				.as("the application's own ClientResources: not installed, so off").isFalse());
		this.runner.withPropertyValues("spring.data.redis.timeout=0")
			.run((context) -> assertThat(context.getBean(SilentChannels.class).isEnabled())
				.as("no timeout: nothing is silent too long").isFalse());
	}

	@Test
	void theSilenceWatchIsAProperty() {
		this.runner.withPropertyValues("delayqueue.redis.close-silent-connections=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SilentChannels.class);
			assertThat(resources(context).nettyCustomizer()).isNotInstanceOf(SilentChannels.class);
		});
	}

	/** The resources the application's connection factory was built with. */
	private static ClientResources resources(AssertableApplicationContext context) {
		LettuceConnectionFactory factory = (LettuceConnectionFactory) context.getBean(RedisConnectionFactory.class);
		return factory.getClientConfiguration().getClientResources().orElseThrow();
	}

	/** The reconnect delay of the resources the application's connection factory was built with. */
	private static Delay reconnectDelay(AssertableApplicationContext context) {
		LettuceConnectionFactory factory = (LettuceConnectionFactory) context.getBean(RedisConnectionFactory.class);
		return factory.getClientConfiguration().getClientResources().orElseThrow().reconnectDelay();
	}

}
