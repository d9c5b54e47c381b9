package dev.delayqueue.micrometer;

import java.time.Duration;

/**
 * How {@link DelayQueueMetrics} reads its gauges and guards its tags. Free of Micrometer types, so the
 * configuration can read its defaults without Micrometer on the classpath.
 *
 * @param refresh interval between two reads of the gauges from Redis, at least 1 second
 * @param maxTopics how many topics get their own {@code topic} tag value; the others share {@code (other)}
 * @since 0.1.0
 */
public record MetricsSettings(Duration refresh, int maxTopics) {

	/** Default interval between two reads of the gauges. */
	public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(15);

	/** Default number of topics with their own tag value. */
	public static final int DEFAULT_MAX_TOPICS = 100;

	/** The defaults. */
	public static final MetricsSettings DEFAULT = new MetricsSettings(DEFAULT_REFRESH, DEFAULT_MAX_TOPICS);

	/**
	 * Checks the values.
	 */
	public MetricsSettings {
		if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("delayqueue.metrics.refresh must be at least 1s, was " + refresh);
		}
		if (maxTopics < 0) {
			throw new IllegalArgumentException("delayqueue.metrics.max-topics must not be negative, was " + maxTopics);
		}
	}

}
