package dev.delayqueue.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The trace context a job carries from its scheduling to its delivery: the entries a tracing propagator writes
 * (with W3C propagation, {@code traceparent} and, when the trace has one, {@code tracestate}), stored in the job as
 * {@code name: value} lines.
 *
 * @since 0.1.0
 */
public final class TraceContext {

	/**
	 * Largest stored context, in characters; a propagator that writes more (large baggage) stores none, so the
	 * delivery starts a trace of its own instead of copying a large header set into every job.
	 */
	public static final int MAX_LENGTH = 1024;

	private TraceContext() {
	}

	/**
	 * Returns the entries as stored text.
	 * @param entries what the propagator wrote
	 * @return {@code name: value} lines, or {@code null} when there is nothing to store, or too much
	 * ({@link #MAX_LENGTH}), or an entry that cannot be stored as a line
	 */
	public static @Nullable String encode(Map<String, String> entries) {
		if (entries.isEmpty()) {
			return null;
		}
		StringBuilder lines = new StringBuilder(64);
		for (Map.Entry<String, String> entry : entries.entrySet()) {
			String name = entry.getKey();
			String value = entry.getValue();
			if (name.isEmpty() || name.indexOf(':') >= 0 || hasLineBreak(name) || hasLineBreak(value)) {
				return null;
			}
			lines.append(name).append(": ").append(value).append('\n');
		}
		return (lines.length() <= MAX_LENGTH) ? lines.toString() : null;
	}

	/**
	 * Reads stored text back into entries.
	 * @param stored what {@link #encode} returned, or {@code null}
	 * @return the entries, empty for {@code null} or text that holds none
	 */
	public static Map<String, String> decode(@Nullable String stored) {
		if (stored == null || stored.isEmpty()) {
			return Map.of();
		}
		Map<String, String> entries = new LinkedHashMap<>(4);
		for (String line : stored.split("\n")) {
			int colon = line.indexOf(": ");
			if (colon > 0) {
				entries.put(line.substring(0, colon), line.substring(colon + 2));
			}
		}
		return entries;
	}

	private static boolean hasLineBreak(String text) {
		return text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
	}

}
