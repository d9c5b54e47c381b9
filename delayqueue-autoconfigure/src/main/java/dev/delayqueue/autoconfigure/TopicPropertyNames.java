package dev.delayqueue.autoconfigure;

import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyNameException;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Fails the startup on a {@code delayqueue.topics.*} key that binds to nothing. Spring Boot ignores such keys; here
 * they are nearly always a topic with dots written without brackets ({@code delayqueue.topics.order.created.lease}
 * binds {@code created.lease} of topic {@code order}) or a key of the old flat shape ({@code max-attempts} instead of
 * {@code retry.max-attempts}), and ignoring them would run the topic with settings its owner did not choose.
 */
final class TopicPropertyNames {

	private static final ConfigurationPropertyName TOPICS = ConfigurationPropertyName.of("delayqueue.topics");

	/** The keys of one topic: those of {@code delayqueue.defaults}, the topic's partition count and rate limit. */
	static final Set<String> KEYS = Set.of("concurrency", "prefetch", "lease", "no-retry-for", "retry.max-attempts",
			"retry.initial-interval", "retry.multiplier", "retry.max-interval", "retry.jitter", "partitions",
			"rate-limit");

	private static final Pattern LIST_INDEX = Pattern.compile("\\[\\d+]$");

	private TopicPropertyNames() {
	}

	/**
	 * Checks every {@code delayqueue.topics.*} name of the environment.
	 * @param environment the environment
	 * @throws InvalidConfigurationPropertyNameException naming the first key that binds to nothing, with the fix
	 */
	static void check(Environment environment) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(TOPICS::isAncestorOf).forEach(TopicPropertyNames::check);
			}
		}
	}

	static void check(ConfigurationPropertyName name) {
		String topic = (name.getNumberOfElements() > 2) ? name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL)
				: "";
		String key = (name.getNumberOfElements() > 3) ? name.subName(3).toString() : "";
		key = LIST_INDEX.matcher(key).replaceFirst("");
		if (KEYS.contains(key)) {
			return;
		}
		throw new UnboundTopicPropertyException(name.toString(), topic, key, fix(topic, key));
	}

	private static String fix(String topic, String key) {
		for (String known : KEYS) {
			if (key.endsWith("." + known)) {
				String dotted = topic + "." + key.substring(0, key.length() - known.length() - 1);
				return "A topic whose name contains dots must be written in brackets: delayqueue.topics[" + dotted + "]."
						+ known;
			}
		}
		if (KEYS.contains("retry." + key)) {
			return "Retry settings of a topic sit under retry, as in delayqueue.defaults: delayqueue.topics["
					+ topic + "].retry." + key;
		}
		return "Use one of the keys of a topic: " + String.join(", ", KEYS.stream().sorted().toList())
				+ " (a topic with dots in brackets: delayqueue.topics[order.created].lease)";
	}

}
