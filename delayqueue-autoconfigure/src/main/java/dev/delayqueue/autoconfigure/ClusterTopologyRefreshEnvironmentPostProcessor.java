package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Gives Spring Boot's {@code spring.data.redis.lettuce.cluster.refresh.period} a default of
 * {@link #DEFAULT_REFRESH_PERIOD} in the lowest-precedence property source, so that a Lettuce client on a Redis
 * Cluster re-reads the topology periodically and sees a failover or a node back even while no command fails
 * (Lettuce's adaptive triggers, on by default since Lettuce 7, only react to failing or redirected commands).
 * <p>
 * Spring Boot reads the property itself, and only for a cluster configured with {@code spring.data.redis.cluster.*},
 * so standalone and Sentinel setups are unaffected. Any value the application sets, in any property source, wins;
 * an empty value keeps Lettuce's default (no periodic refresh). Nothing is added when {@code delayqueue.enabled} is
 * false or Lettuce is not on the classpath.
 */
final class ClusterTopologyRefreshEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Default period of the topology refresh. */
	static final Duration DEFAULT_REFRESH_PERIOD = Duration.ofSeconds(10);

	static final String PROPERTY_SOURCE_NAME = "delayqueueLettuceDefaults";

	private static final String REFRESH_PERIOD_PROPERTY = "spring.data.redis.lettuce.cluster.refresh.period";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("delayqueue.enabled", Boolean.class, true)
				|| !ClassUtils.isPresent("io.lettuce.core.cluster.RedisClusterClient", application.getClassLoader())
				|| environment.containsProperty(REFRESH_PERIOD_PROPERTY)) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of(REFRESH_PERIOD_PROPERTY, DEFAULT_REFRESH_PERIOD.toSeconds() + "s")));
	}

	/** After the application's configuration files are loaded, so that their values are seen. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
