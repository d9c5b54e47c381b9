package dev.delayqueue.handler;

import dev.delayqueue.worker.TopicSettings;

/**
 * Supplies the settings a handler starts from and the per-topic overrides applied on top of its annotation.
 *
 * @since 0.1.0
 */
public interface TopicSettingsResolver {

	/** Uses {@link TopicSettings#DEFAULT} and no overrides. */
	TopicSettingsResolver DEFAULT = new TopicSettingsResolver() {
	};

	/**
	 * Returns the settings for attributes a handler's annotation leaves empty.
	 * @return the defaults
	 */
	default TopicSettings defaults() {
		return TopicSettings.DEFAULT;
	}

	/**
	 * Applies overrides configured for a topic.
	 * @param topic the topic
	 * @param annotated the settings from the defaults and the annotation
	 * @return the settings to use
	 */
	default TopicSettings resolve(String topic, TopicSettings annotated) {
		return annotated;
	}

}
