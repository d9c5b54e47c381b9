package dev.delayqueue.embedded;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts a local {@link RedisServerProcess} for an application that sets
 * {@code delayqueue.embedded-redis.enabled=true} and configures no Redis of its own (neither
 * {@code spring.data.redis.url} nor {@code spring.data.redis.host}), and points {@code spring.data.redis.*} at it.
 * Meant for samples and demos that must start with one command on a machine without Redis; never for production.
 * The server is stopped when the JVM exits.
 *
 * @since 0.1.0
 */
public final class EmbeddedRedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Property that turns this post-processor on. */
	public static final String ENABLED_PROPERTY = "delayqueue.embedded-redis.enabled";

	private static @Nullable RedisServerProcess server;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty(ENABLED_PROPERTY, Boolean.class, false)
				|| environment.containsProperty("spring.data.redis.url")
				|| environment.containsProperty("spring.data.redis.host")) {
			return;
		}
		RedisServerProcess running = startOnce();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("delayqueueEmbeddedRedis",
					Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", running.port())));
		System.err.println("delayqueue: no Redis configured, started " + running.binary().getFileName() + " on "
				+ running.url() + " (set spring.data.redis.url to use your own)");
	}

	private static synchronized RedisServerProcess startOnce() {
		RedisServerProcess current = server;
		if (current == null || !current.isRunning()) {
			current = RedisServerProcess.start();
			server = current;
			Runtime.getRuntime().addShutdownHook(new Thread(current::close, "delayqueue-embedded-redis-stop"));
		}
		return current;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
