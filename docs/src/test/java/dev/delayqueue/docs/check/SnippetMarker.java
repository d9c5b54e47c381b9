package dev.delayqueue.docs.check;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The comment above a {@code ```java} block that names its source:
 * {@code <!-- snippet: dev/delayqueue/docs/api/ApiExamples.java#schedule -->}, the path relative to
 * {@code docs/src/test/java}, the tag optional (without it the block shows the whole file).
 *
 * @param path the source's path relative to {@code docs/src/test/java}
 * @param tag the tagged region shown, or {@code null} for the whole file
 */
record SnippetMarker(String path, @Nullable String tag) {

	private static final Pattern MARKER = Pattern
		.compile("^\\s*<!--\\s*snippet:\\s*([^\\s#]+?)(?:#([\\w.\\-]+))?\\s*-->\\s*$");

	/** Anything that looks like a marker, well formed or not. */
	private static final Pattern LOOSE = Pattern.compile("^\\s*<!--\\s*snippet\\b.*$");

	/**
	 * Reads a marker line.
	 * @param line a line of a page
	 * @return the marker, or empty if the line is not one
	 */
	static Optional<SnippetMarker> parse(String line) {
		Matcher matcher = MARKER.matcher(line);
		return matcher.matches() ? Optional.of(new SnippetMarker(matcher.group(1), matcher.group(2)))
				: Optional.empty();
	}

	/**
	 * Whether a line was meant as a marker, so a malformed one is reported rather than ignored.
	 * @param line a line of a page
	 * @return whether the line starts like a marker
	 */
	static boolean looksLikeMarker(String line) {
		return LOOSE.matcher(line).matches();
	}

	@Override
	public String toString() {
		return (this.tag != null) ? this.path + "#" + this.tag : this.path;
	}

}
