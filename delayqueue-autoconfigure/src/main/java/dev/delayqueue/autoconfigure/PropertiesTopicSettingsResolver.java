package dev.delayqueue.autoconfigure;

import java.util.List;

import dev.delayqueue.handler.TopicSettingsResolver;
import dev.delayqueue.worker.TopicSettings;

/**
 * Topic settings from {@code delayqueue.defaults.*} and {@code delayqueue.topics.<topic>.*}, then the
 * {@link TopicSettingsCustomizer} beans: for handlers (on top of their annotation) and for callback lanes alike.
 */
final class PropertiesTopicSettingsResolver implements TopicSettingsResolver {

	private final DelayQueuePropertiesMapper mapper;

	private final List<TopicSettingsCustomizer> customizers;

	PropertiesTopicSettingsResolver(DelayQueuePropertiesMapper mapper, List<TopicSettingsCustomizer> customizers) {
		this.mapper = mapper;
		this.customizers = customizers;
	}

	@Override
	public TopicSettings defaults() {
		return this.mapper.defaults();
	}

	@Override
	public TopicSettings resolve(String topic, TopicSettings annotated) {
		TopicSettings settings = this.mapper.forTopic(topic, annotated);
		for (TopicSettingsCustomizer customizer : this.customizers) {
			settings = customizer.customize(topic, settings);
		}
		return settings;
	}

}
