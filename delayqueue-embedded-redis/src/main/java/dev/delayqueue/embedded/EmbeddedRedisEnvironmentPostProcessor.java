package dev.delayqueue.embedded;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts a local {@link RedisServerProcess} for an application that sets
 * {@code delayqueue.embedded-redis.enabled=true} and configures no Redis of its own (none of
 * {@code spring.data.redis.url}, {@code .host}, {@code .port}, {@code .cluster.nodes}, {@code .sentinel.master},
 * {@code .sentinel.nodes}), and points {@code spring.data.redis.*} at it.
 * Meant for samples and demos that must start with one command on a machine without Redis; never for production.
 * The server is stopped when the JVM exits.
 *
 * @since 0.1.0
 */
public final class EmbeddedRedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Property that turns this post-processor on. */
	public static final String ENABLED_PROPERTY = "delayqueue.embedded-redis.enabled";

	/** Properties that say where the application's Redis is: any of them set leaves the application on its own. */
	private static final List<String> REDIS_LOCATION_PROPERTIES = List.of("spring.data.redis.url",
			"spring.data.redis.host", "spring.data.redis.port", "spring.data.redis.cluster.nodes",
			"spring.data.redis.sentinel.master", "spring.data.redis.sentinel.nodes");

	private static @Nullable RedisServerProcess server;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty(ENABLED_PROPERTY, Boolean.class, false) || redisConfigured(environment)) {
			return;
		}
		RedisServerProcess running = startOnce();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("delayqueueEmbeddedRedis",
					Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", running.port())));
		System.err.println("delayqueue: no Redis configured, started " + running.binary().getFileName() + " on "
				+ running.url() + " (set spring.data.redis.url, .cluster.nodes or .sentinel.* to use your own)");
	}

	/**
	 * Whether one of {@link #REDIS_LOCATION_PROPERTIES} is set, in any form Spring Boot binds: bound as a list, so
	 * that a YAML list of nodes ({@code nodes[0]}) and an environment variable count too.
	 */
	private static boolean redisConfigured(ConfigurableEnvironment environment) {
		Binder binder = Binder.get(environment);
		return REDIS_LOCATION_PROPERTIES.stream()
			.anyMatch((name) -> binder.bind(name, Bindable.listOf(String.class)).isBound());
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
