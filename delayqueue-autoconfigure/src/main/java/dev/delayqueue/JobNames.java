package dev.delayqueue;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The rules for topics and ids. They keep every Redis key built from them unique and inside the key prefix.
 * <ul>
 * <li>topic: 1 to {@value #MAX_TOPIC_LENGTH} characters among {@code A-Z a-z 0-9 _ . : -}</li>
 * <li>id: 1 to {@value #MAX_ID_LENGTH} characters, no control characters</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class JobNames {

	/** Longest topic, in characters. */
	public static final int MAX_TOPIC_LENGTH = 128;

	/** Longest id, in characters. */
	public static final int MAX_ID_LENGTH = 256;

	private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_.:\\-]+");

	private JobNames() {
	}

	/**
	 * Checks a topic against the rules.
	 * @param topic the topic
	 * @return the topic
	 * @throws InvalidJobException naming {@code topic} and the rule when it breaks one
	 */
	public static String checkTopic(@Nullable String topic) {
		if (topic == null || topic.isEmpty()) {
			throw new InvalidJobException("topic", "must not be empty");
		}
		if (topic.length() > MAX_TOPIC_LENGTH) {
			throw new InvalidJobException("topic", "must be at most " + MAX_TOPIC_LENGTH + " characters, was "
					+ topic.length());
		}
		if (!TOPIC.matcher(topic).matches()) {
			throw new InvalidJobException("topic", "must contain only letters A-Z a-z, digits and _ . : - (was '"
					+ printable(topic) + "')");
		}
		return topic;
	}

	/**
	 * Checks an id against the rules.
	 * @param id the id
	 * @return the id
	 * @throws InvalidJobException naming {@code id} and the rule when it breaks one
	 */
	public static String checkId(@Nullable String id) {
		if (id == null || id.isEmpty()) {
			throw new InvalidJobException("id", "must not be empty");
		}
		if (id.length() > MAX_ID_LENGTH) {
			throw new InvalidJobException("id", "must be at most " + MAX_ID_LENGTH + " characters, was " + id.length());
		}
		for (int i = 0; i < id.length(); i++) {
			if (Character.isISOControl(id.charAt(i))) {
				throw new InvalidJobException("id", "must not contain control characters (found U+"
						+ String.format("%04X", (int) id.charAt(i)) + " at index " + i + ")");
			}
		}
		return id;
	}

	private static String printable(String value) {
		StringBuilder out = new StringBuilder();
		value.codePoints().limit(64).forEach((c) -> {
			if (Character.isISOControl(c)) {
				out.append(String.format("\\u%04X", c));
			}
			else {
				out.appendCodePoint(c);
			}
		});
		return out.toString();
	}

}
