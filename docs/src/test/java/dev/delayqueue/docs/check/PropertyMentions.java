package dev.delayqueue.docs.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.delayqueue.docs.check.PropertyReference.Place;

/**
 * Checks the {@code delayqueue.*} names a page mentions ({@link PropertyReferences}) against the configuration
 * metadata: each must be a property or a group of properties. Only names whose first segment after
 * {@code delayqueue.} is one of the metadata's are checked, so that other names of the project (meters such as
 * {@code delayqueue.jobs.scheduled}) pass. In prose, a map key of one of the two shapes the startup check rejects
 * with a hint is taken for the error example it is there: a topic with dots written without brackets
 * ({@code delayqueue.topics.order.created.lease}: a known key after the topic's first segment) and a key of the old
 * flat shape ({@code delayqueue.topics.order.max-attempts} for {@code retry.max-attempts}). In a
 * {@code ```properties} block they are reported like any unknown name.
 */
final class PropertyMentions {

	static final String WRONG_EXAMPLE_HINT = "(an intended wrong example is skipped when its paragraph, or in a "
			+ "```properties block its comment, says \"wrong\")";

	private final ConfigurationMetadata metadata;

	private final PropertyNames names;

	private final Set<String> firstSegments;

	/** Names the pages list as meters ({@link MeterTable}): never taken for properties. */
	private final Set<String> meters;

	PropertyMentions(ConfigurationMetadata metadata) {
		this(metadata, Set.of());
	}

	PropertyMentions(ConfigurationMetadata metadata, Set<String> meters) {
		this.metadata = metadata;
		this.meters = meters;
		this.names = new PropertyNames(metadata.maps());
		this.firstSegments = metadata.firstSegments();
	}

	/**
	 * Checks a page.
	 * @param page the page
	 * @return one message per unknown name
	 */
	List<String> check(MarkdownPage page) {
		List<String> problems = new ArrayList<>();
		for (PropertyReference reference : PropertyReferences.find(page)) {
			if (this.meters.contains(reference.name())) {
				continue;
			}
			String rest = reference.name().substring(ConfigurationMetadata.PREFIX.length());
			String firstSegment = rest.split("[.\\[]", 2)[0];
			if (!this.firstSegments.contains(firstSegment)) {
				continue;
			}
			String normalized = this.names.normalize(reference.name());
			if (!this.metadata.isPropertyOrGroup(normalized)
					&& !(reference.place() == Place.PROSE && isMistakeExample(normalized))) {
				problems.add(page.name() + ":" + reference.line() + ": " + reference.name()
						+ " is no property of the configuration metadata " + WRONG_EXAMPLE_HINT);
			}
		}
		return problems;
	}

	/**
	 * Whether a name is a map key of a shape the startup check explains.
	 * @param normalized the name with map keys as placeholders
	 */
	private boolean isMistakeExample(String normalized) {
		for (Map.Entry<String, String> map : this.metadata.maps().entrySet()) {
			String keys = map.getKey() + "." + map.getValue() + ".";
			if (!normalized.startsWith(keys)) {
				continue;
			}
			String key = normalized.substring(keys.length());
			for (String property : this.metadata.properties().keySet()) {
				if (!property.startsWith(keys)) {
					continue;
				}
				String known = property.substring(keys.length());
				if (key.endsWith("." + known) || known.endsWith("." + key)) {
					return true;
				}
			}
		}
		return false;
	}

}
