package dev.delayqueue.docs.check;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Whether the default a page shows (its cell, backticks stripped) is the metadata's {@code defaultValue}:
 * <ul>
 * <li>a boolean matches case-insensitively ({@code true}, {@code True});</li>
 * <li>a number matches numerically ({@code 2} and {@code 2.0});</li>
 * <li>a list matches its elements joined by commas, spaces after a comma allowed ({@code a, b});</li>
 * <li>a string matches exactly ({@code 30s} is not {@code 30 s});</li>
 * <li>no default, an empty string or an empty list matches an empty cell, {@code ""}, or prose in italics such as
 * {@code *(none)*}; anything else in that cell is a default the metadata does not have.</li>
 * </ul>
 */
final class DefaultValues {

	private static final Pattern ITALICS = Pattern.compile("^(\\*[^*].*\\*|_[^_].*_)$");

	private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");

	private DefaultValues() {
	}

	/**
	 * Compares a page's default with the metadata's.
	 * @param metadataDefault the metadata's {@code defaultValue}, a missing or null node when there is none
	 * @param cell the page's default cell, backticks stripped and trimmed
	 * @return whether they agree
	 */
	static boolean matches(JsonNode metadataDefault, String cell) {
		if (isEmpty(metadataDefault)) {
			return cell.isEmpty() || cell.equals("\"\"") || ITALICS.matcher(cell).matches();
		}
		if (metadataDefault.isBoolean()) {
			return cell.equalsIgnoreCase(String.valueOf(metadataDefault.asBoolean()));
		}
		if (metadataDefault.isNumber()) {
			try {
				return new BigDecimal(cell).compareTo(metadataDefault.decimalValue()) == 0;
			}
			catch (NumberFormatException ex) {
				return false;
			}
		}
		if (metadataDefault.isArray()) {
			return COMMA.matcher(cell).replaceAll(",").equals(joined(metadataDefault));
		}
		return cell.equals(metadataDefault.asString());
	}

	/**
	 * What a page should show for a default, for messages.
	 * @param metadataDefault the metadata's {@code defaultValue}
	 * @return the value in backticks, or what an absent default allows
	 */
	static String describe(JsonNode metadataDefault) {
		if (isEmpty(metadataDefault)) {
			return "an empty cell or prose in italics (the metadata has no default)";
		}
		return "`" + (metadataDefault.isArray() ? joined(metadataDefault) : metadataDefault.asString()) + "`";
	}

	private static boolean isEmpty(JsonNode metadataDefault) {
		return metadataDefault.isMissingNode() || metadataDefault.isNull()
				|| (metadataDefault.isString() && metadataDefault.asString().isEmpty())
				|| (metadataDefault.isArray() && metadataDefault.isEmpty());
	}

	private static String joined(JsonNode array) {
		List<String> elements = new ArrayList<>();
		array.forEach((element) -> elements.add(element.asString()));
		return String.join(",", elements);
	}

}
