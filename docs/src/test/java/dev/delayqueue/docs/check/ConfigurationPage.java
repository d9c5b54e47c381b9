package dev.delayqueue.docs.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the configuration page's tables against the configuration metadata: the same properties on both sides,
 * and, for every row, the default {@link DefaultValues} accepts for the metadata's {@code defaultValue}.
 */
final class ConfigurationPage {

	private final ConfigurationMetadata metadata;

	private final PropertyNames names;

	ConfigurationPage(ConfigurationMetadata metadata) {
		this.metadata = metadata;
		this.names = new PropertyNames(metadata.maps());
	}

	/**
	 * Checks a page.
	 * @param page the configuration page
	 * @return what is wrong with it: the properties missing on either side in one message, then one message per row
	 * listed twice or with a wrong default
	 */
	List<String> check(MarkdownPage page) {
		List<String> problems = new ArrayList<>();
		Map<String, ConfigurationRow> rows = new LinkedHashMap<>();
		for (ConfigurationRow row : ConfigurationTable.rows(page)) {
			String name = this.names.normalize(row.name());
			ConfigurationRow earlier = rows.putIfAbsent(name, row);
			if (earlier != null) {
				problems.add(page.name() + ":" + row.line() + ": " + name + " is listed again (first on line "
						+ earlier.line() + ")");
			}
		}
		Set<String> missing = new TreeSet<>(this.metadata.properties().keySet());
		missing.removeAll(rows.keySet());
		List<String> unknown = rows.entrySet()
			.stream()
			.filter((row) -> !this.metadata.properties().containsKey(row.getKey()))
			.map((row) -> row.getKey() + " (line " + row.getValue().line() + ")")
			.toList();
		if (!missing.isEmpty() || !unknown.isEmpty()) {
			problems.add(0, disagreement(page, missing, unknown));
		}
		rows.forEach((name, row) -> {
			MetadataProperty property = this.metadata.properties().get(name);
			if (property != null && !DefaultValues.matches(property.defaultValue(), row.defaultValue())) {
				problems.add(page.name() + ":" + row.line() + ": the default of " + name + " is `"
						+ row.defaultValue() + "` on the page; the metadata says "
						+ DefaultValues.describe(property.defaultValue()));
			}
		});
		return problems;
	}

	private String disagreement(MarkdownPage page, Set<String> missing, List<String> unknown) {
		StringBuilder message = new StringBuilder(page.name())
			.append(" and the configuration metadata list different properties (rows are | `name` | `default` | "
					+ "description |; a topic's keys are written delayqueue.topics.<topic>.key)");
		if (!missing.isEmpty()) {
			message.append("\n  in the metadata, not on the page:");
			missing.forEach((name) -> message.append("\n    ").append(name));
		}
		if (!unknown.isEmpty()) {
			message.append("\n  on the page, not in the metadata:");
			unknown.forEach((name) -> message.append("\n    ").append(name));
		}
		return message.toString();
	}

}
