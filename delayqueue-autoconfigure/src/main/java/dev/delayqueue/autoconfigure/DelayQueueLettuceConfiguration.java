package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.redis.SilentChannels;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Bounds on the Lettuce client Spring Boot builds for the application, applied first so that the application's own
 * customizers win:
 * <ul>
 * <li>the command timeout (a minute in Lettuce) to {@code delayqueue.redis.command-timeout}, unless the application
 * set {@code spring.data.redis.timeout}; blocking commands waiting longer need {@code spring.data.redis.timeout};</li>
 * <li>a {@link SilentChannels} watch on every connection: one that waited the command timeout for any answer is
 * closed for Lettuce to reconnect (a half-open connection), unless {@code delayqueue.redis.close-silent-connections=false};</li>
 * <li>the wait between two reconnect attempts (growing to 30 seconds in Lettuce, so a Redis node back after a minute
 * stayed unreachable for up to 30 more) to an exponential back-off from {@value #RECONNECT_MIN_DELAY_MILLIS} ms to
 * {@code delayqueue.redis.reconnect-max-delay}.</li>
 * </ul>
 * It is the application's connection: an application that defines its own {@code ClientResources} or
 * {@code RedisConnectionFactory} keeps it as it is. The cluster topology refresh is a property default instead, see
 * {@link ClusterTopologyRefreshEnvironmentPostProcessor}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "io.lettuce.core.RedisClient",
		"org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer" })
final class DelayQueueLettuceConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(DelayQueueLettuceConfiguration.class);

	/** First wait before reconnecting, doubled at each failed attempt up to the configured maximum. */
	static final long RECONNECT_MIN_DELAY_MILLIS = 100;

	private static final String RECONNECT_MAX_DELAY_PROPERTY = "delayqueue.redis.reconnect-max-delay";

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	LettuceClientConfigurationBuilderCustomizer delayQueueLettuceCommandTimeout(Environment environment,
			DelayQueueProperties properties) {
		return (builder) -> {
			if (!environment.containsProperty("spring.data.redis.timeout")) {
				builder.commandTimeout(properties.getRedis().getCommandTimeout());
			}
		};
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	ClientResourcesBuilderCustomizer delayQueueLettuceReconnectDelay(DelayQueueProperties properties,
			ObjectProvider<SilentChannels> silentChannels) {
		Delay delay = reconnectDelay(properties.getRedis().getReconnectMaxDelay());
		SilentChannels channels = silentChannels.getIfAvailable();
		return (builder) -> {
			builder.reconnectDelay(delay);
			if (channels != null) {
				builder.nettyCustomizer(channels);
			}
		};
	}

	/**
	 * The watch that closes a connection's channel silent for longer than the command timeout, for Lettuce to
	 * reconnect it, unless {@code delayqueue.redis.close-silent-connections=false}.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "delayqueue.redis.close-silent-connections", matchIfMissing = true)
	SilentChannels delayQueueSilentChannels(Environment environment, DelayQueueProperties properties) {
		return new SilentChannels(DelayQueueAutoConfiguration.commandTimeout(environment, properties));
	}

	/**
	 * Once the connection factory exists: the watch takes its command timeout as the factory has it (an application's
	 * customizer may have changed it), or is turned off when the factory was built without it.
	 */
	@Bean
	static SmartInitializingSingleton delayQueueSilentChannelsCheck(ObjectProvider<SilentChannels> silentChannels,
			ObjectProvider<RedisConnectionFactory> connectionFactory) {
		return () -> silentChannels.ifAvailable((channels) -> {
			if (!(connectionFactory.getIfAvailable() instanceof LettuceConnectionFactory lettuce)) {
				channels.disable();
				return;
			}
			LettuceClientConfiguration configuration = lettuce.getClientConfiguration();
			boolean installed = configuration.getClientResources()
				.map((resources) -> resources.nettyCustomizer() == channels)
				.orElse(false);
			if (!installed) {
				channels.disable();
				logger.info("delayqueue does not watch Redis connections for silence: the application builds its own "
						+ "ClientResources or NettyCustomizer (half-open connections are left to TCP)");
				return;
			}
			channels.setCommandTimeout(configuration.getCommandTimeout());
		});
	}

	/**
	 * Returns an exponential back-off from {@value #RECONNECT_MIN_DELAY_MILLIS} ms to {@code max}.
	 * @throws InvalidConfigurationPropertyValueException if {@code max} is not longer than the first wait
	 */
	static Delay reconnectDelay(Duration max) {
		Duration min = Duration.ofMillis(RECONNECT_MIN_DELAY_MILLIS);
		if (max.compareTo(min) <= 0) {
			throw new InvalidConfigurationPropertyValueException(RECONNECT_MAX_DELAY_PROPERTY, max,
					"It must be longer than the first wait of " + RECONNECT_MIN_DELAY_MILLIS + " ms.");
		}
		return Delay.exponential(min, max, 2, TimeUnit.MILLISECONDS);
	}

}
