package dev.delayqueue.autoconfigure;

import dev.delayqueue.worker.TopicSettings;

/**
 * Adjusts a topic's settings after the annotation and the {@code delayqueue.*} properties were applied. Beans of
 * this type are applied in {@link org.springframework.core.annotation.Order order}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface TopicSettingsCustomizer {

	/**
	 * Adjusts the settings of a topic.
	 * @param topic the topic
	 * @param settings the settings so far
	 * @return the settings to use
	 */
	TopicSettings customize(String topic, TopicSettings settings);

}
