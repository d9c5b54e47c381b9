package dev.delayqueue.docs.check;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java source file as the pages show it: tabs as 4 spaces, trailing whitespace dropped. The whole file leaves out
 * its {@code package} line and the blank lines right after it; a tagged region is the lines between
 * {@code // tag::name[]} and {@code // end::name[]} (AsciiDoc's markers; several regions of one tag are joined),
 * dedented by their common indentation. Tag marker lines never show, neither in the whole file nor in a region.
 */
final class SnippetSource {

	private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+[\\w.]+\\s*;\\s*$");

	private static final Pattern TAG_MARKER = Pattern.compile("^\\s*//\\s*(tag|end)::([\\w.\\-]+)\\[]\\s*$");

	private final String name;

	private final List<String> lines;

	private SnippetSource(String name, List<String> lines) {
		this.name = name;
		this.lines = lines;
	}

	/**
	 * Reads a source.
	 * @param name the source's name in messages
	 * @param text the source's text
	 * @return the source
	 */
	static SnippetSource parse(String name, String text) {
		List<String> lines = new ArrayList<>();
		for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
			lines.add(line.replace("\t", "    ").stripTrailing());
		}
		return new SnippetSource(name, lines);
	}

	/**
	 * The whole file, as a page shows it.
	 * @return the lines after the package declaration and the blank lines that follow it
	 */
	List<String> whole() {
		List<String> shown = new ArrayList<>();
		boolean afterPackage = false;
		boolean packageSeen = false;
		for (String line : this.lines) {
			if (!packageSeen && PACKAGE.matcher(line).matches()) {
				packageSeen = true;
				afterPackage = true;
				continue;
			}
			if (afterPackage && line.isEmpty()) {
				continue;
			}
			afterPackage = false;
			if (!TAG_MARKER.matcher(line).matches()) {
				shown.add(line);
			}
		}
		return trimBlankEnds(shown);
	}

	/**
	 * One tagged region, as a page shows it.
	 * @param tag the tag's name
	 * @return the region's lines, dedented
	 * @throws IllegalArgumentException if the source has no such tag, or does not end it
	 */
	List<String> region(String tag) {
		List<String> shown = new ArrayList<>();
		boolean found = false;
		int openedAt = -1;
		for (int index = 0; index < this.lines.size(); index++) {
			String line = this.lines.get(index);
			Matcher marker = TAG_MARKER.matcher(line);
			if (!marker.matches()) {
				if (openedAt >= 0) {
					shown.add(line);
				}
				continue;
			}
			if (!marker.group(2).equals(tag)) {
				continue;
			}
			if (marker.group(1).equals("tag")) {
				found = true;
				openedAt = index;
			}
			else {
				openedAt = -1;
			}
		}
		if (!found) {
			throw new IllegalArgumentException(this.name + " has no // tag::" + tag + "[]");
		}
		if (openedAt >= 0) {
			throw new IllegalArgumentException(this.name + " opens // tag::" + tag + "[] on line " + (openedAt + 1)
					+ " and never ends it with // end::" + tag + "[]");
		}
		return dedent(trimBlankEnds(shown));
	}

	private static List<String> dedent(List<String> lines) {
		int common = lines.stream()
			.filter((line) -> !line.isEmpty())
			.mapToInt((line) -> line.length() - line.stripLeading().length())
			.min()
			.orElse(0);
		return lines.stream().map((line) -> line.isEmpty() ? line : line.substring(common)).toList();
	}

	private static List<String> trimBlankEnds(List<String> lines) {
		int start = 0;
		int end = lines.size();
		while (start < end && lines.get(start).isEmpty()) {
			start++;
		}
		while (end > start && lines.get(end - 1).isEmpty()) {
			end--;
		}
		return List.copyOf(lines.subList(start, end));
	}

}
