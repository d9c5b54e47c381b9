package dev.delayqueue.docs.check;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Property names as pages write them, brought to the metadata's form: the map key of {@code delayqueue.topics} in
 * any of its spellings ({@code delayqueue.topics.order.lease}, {@code delayqueue.topics[order.created].lease},
 * {@code delayqueue.topics.<name>.lease}) becomes the placeholder ({@code delayqueue.topics.<topic>.lease}), and a
 * trailing list index ({@code [0]}) or wildcard ({@code .*}) is dropped.
 */
final class PropertyNames {

	private static final Pattern TRAILING = Pattern.compile("(\\[\\d+]|\\.\\*|\\.)$");

	private final Map<String, String> maps;

	/**
	 * Creates a normaliser.
	 * @param maps each map property's name and the placeholder of its keys, as {@link ConfigurationMetadata#maps()}
	 */
	PropertyNames(Map<String, String> maps) {
		this.maps = maps;
	}

	/**
	 * The metadata's form of a name.
	 * @param name a name as written on a page
	 * @return the name with map keys as placeholders
	 */
	String normalize(String name) {
		String normalized = name;
		while (TRAILING.matcher(normalized).find()) {
			normalized = TRAILING.matcher(normalized).replaceFirst("");
		}
		for (Map.Entry<String, String> map : this.maps.entrySet()) {
			String prefix = map.getKey();
			if (normalized.length() <= prefix.length() || !normalized.startsWith(prefix)) {
				continue;
			}
			String rest = normalized.substring(prefix.length());
			int keyEnd = keyEnd(rest);
			if (keyEnd > 0) {
				return prefix + "." + map.getValue() + rest.substring(keyEnd);
			}
		}
		return normalized;
	}

	/**
	 * Where the map key ends in what follows the map's name.
	 * @return the index after the key, or 0 if the rest does not start with one
	 */
	private static int keyEnd(String rest) {
		if (rest.startsWith("[")) {
			return rest.indexOf(']') + 1;
		}
		if (rest.startsWith(".<")) {
			return rest.indexOf('>') + 1;
		}
		if (rest.startsWith(".")) {
			int dot = rest.indexOf('.', 1);
			return (dot >= 0) ? dot : rest.length();
		}
		return 0;
	}

}
