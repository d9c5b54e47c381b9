package dev.delayqueue.test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.redis.JobKeys;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives each application context of a test annotated with {@link AutoConfigureDelayQueueTestKit} a key prefix of its
 * own ({@code delayqueue.redis.key-prefix} as configured, or {@code delayqueue}, plus {@code -test<n>}): the test JVM's
 * contexts share one Redis, and Spring's context cache keeps several alive at once, each worker claiming its own
 * jobs only.
 *
 * @since 0.1.0
 */
public final class DelayQueueTestKitContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureDelayQueueTestKit.class)
				? new OwnKeyPrefix() : null;
	}

	/** Adds the context's own key prefix before anything else binds it. */
	static final class OwnKeyPrefix implements ContextCustomizer {

		private static final AtomicInteger contexts = new AtomicInteger();

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			ConfigurableEnvironment environment = context.getEnvironment();
			String prefix = environment.getProperty("delayqueue.redis.key-prefix", JobKeys.DEFAULT_PREFIX);
			environment.getPropertySources()
				.addFirst(new MapPropertySource("delayqueueTestKit",
						Map.of("delayqueue.redis.key-prefix", prefix + "-test" + contexts.incrementAndGet())));
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof OwnKeyPrefix;
		}

		@Override
		public int hashCode() {
			return OwnKeyPrefix.class.hashCode();
		}

	}

}
