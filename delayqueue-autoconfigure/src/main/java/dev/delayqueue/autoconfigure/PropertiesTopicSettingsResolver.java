package dev.delayqueue.autoconfigure;

import java.util.List;

import dev.delayqueue.handler.TopicSettingsResolver;
import dev.delayqueue.worker.TopicSettings;

/**
 * Topic settings from {@code delayqueue.defaults.*} and {@code delayqueue.topics.<topic>.*}, then the
 * {@link TopicSettingsCustomizer} beans.
 */
final class PropertiesTopicSettingsResolver implements TopicSettingsResolver {

	private final DelayQueueProperties properties;

	private final List<TopicSettingsCustomizer> customizers;

	PropertiesTopicSettingsResolver(DelayQueueProperties properties, List<TopicSettingsCustomizer> customizers) {
		this.properties = properties;
		this.customizers = customizers;
	}

	@Override
	public TopicSettings defaults() {
		return this.properties.getDefaults().toSettings();
	}

	@Override
	public TopicSettings resolve(String topic, TopicSettings annotated) {
		DelayQueueProperties.Topic overrides = this.properties.getTopics().get(topic);
		TopicSettings settings = (overrides != null) ? overrides.applyTo(annotated) : annotated;
		for (TopicSettingsCustomizer customizer : this.customizers) {
			settings = customizer.customize(topic, settings);
		}
		return settings;
	}

}
