package dev.delayqueue.docs.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the {@code ```java} blocks of a page against the compiled sources they are copied from. Every such block
 * must sit right under a {@link SnippetMarker} and equal what the marker names; blocks of other languages are left
 * alone.
 */
final class Snippets {

	static final String UPDATE_HINT = "./mvnw -pl docs test -Ddocs.update=true copies the sources into the pages";

	private static final int DIFF_LINES = 6;

	private final Path sourceRoot;

	private final String sourceRootName;

	private final Map<Path, SnippetSource> sources = new HashMap<>();

	/**
	 * Creates a checker.
	 * @param sourceRoot the directory marker paths are relative to
	 * @param sourceRootName that directory in messages, such as {@code docs/src/test/java}
	 */
	Snippets(Path sourceRoot, String sourceRootName) {
		this.sourceRoot = sourceRoot;
		this.sourceRootName = sourceRootName;
	}

	/**
	 * Checks a page.
	 * @param page the page
	 * @return the problems and differences found, and the page as it would be with its blocks copied from the
	 * sources
	 */
	SnippetReport check(MarkdownPage page) {
		List<String> problems = new ArrayList<>();
		List<String> differences = new ArrayList<>();
		List<String> lines = page.lines();
		Map<Integer, FencedBlock> blocksByOpening = new HashMap<>();
		page.blocks().forEach((block) -> blocksByOpening.put(block.openIndex(), block));
		List<String> updated = new ArrayList<>();
		int index = 0;
		while (index < lines.size()) {
			String line = lines.get(index);
			FencedBlock block = blocksByOpening.get(index);
			if (block == null) {
				if (!page.isFenced(index) && SnippetMarker.looksLikeMarker(line)) {
					checkMarkerPlacement(page, index, blocksByOpening, problems);
				}
				updated.add(line);
				index++;
				continue;
			}
			Optional<SnippetMarker> marker = (index > 0) ? SnippetMarker.parse(lines.get(index - 1))
					: Optional.empty();
			List<String> content = block.content();
			if (block.language().equals("java")) {
				content = checkJavaBlock(page, block, marker, problems, differences);
			}
			else if (marker.isPresent()) {
				problems.add(at(page, block.openLine()) + "a snippet marker stands above a ```" + block.language()
						+ " block; only ```java blocks come from snippets");
			}
			updated.add(line);
			updated.addAll(content);
			if (block.closeIndex() < lines.size()) {
				updated.add(lines.get(block.closeIndex()));
			}
			index = block.closeIndex() + 1;
		}
		return new SnippetReport(problems, differences, page.text(updated));
	}

	private void checkMarkerPlacement(MarkdownPage page, int index, Map<Integer, FencedBlock> blocksByOpening,
			List<String> problems) {
		String line = page.lines().get(index);
		if (SnippetMarker.parse(line).isEmpty()) {
			problems.add(at(page, index + 1) + "malformed snippet marker '" + line.strip()
					+ "'; write <!-- snippet: dev/delayqueue/docs/<page>/<Type>.java --> or <!-- snippet: "
					+ "dev/delayqueue/docs/<page>/<Type>.java#<tag> -->");
		}
		else if (!blocksByOpening.containsKey(index + 1)) {
			problems.add(at(page, index + 1)
					+ "a snippet marker must be on the line right above the ```java fence it fills");
		}
	}

	/**
	 * Checks one Java block.
	 * @return the block's content as it should be: the source's when it can be read, else the page's
	 */
	private List<String> checkJavaBlock(MarkdownPage page, FencedBlock block, Optional<SnippetMarker> marker,
			List<String> problems, List<String> differences) {
		if (marker.isEmpty()) {
			problems.add(at(page, block.openLine()) + "every Java block must come from a compiled snippet: put "
					+ "<!-- snippet: dev/delayqueue/docs/<page>/<Type>.java#<tag> --> on the line above the fence, "
					+ "the source under " + this.sourceRootName);
			return block.content();
		}
		if (block.closeIndex() >= page.lines().size()) {
			problems.add(at(page, block.openLine()) + "the ```java block is never closed");
			return block.content();
		}
		List<String> expected;
		try {
			expected = expectedContent(marker.get());
		}
		catch (IllegalArgumentException ex) {
			problems.add(at(page, block.openLine()) + ex.getMessage());
			return block.content();
		}
		List<String> actual = block.unindentedContent().stream().map(String::stripTrailing).toList();
		if (actual.equals(expected)) {
			return block.content();
		}
		differences.add(at(page, block.openLine()) + "the ```java block differs from " + marker.get() + " ("
				+ UPDATE_HINT + ")" + diff(actual, expected, block.openLine() + 1));
		return expected.stream().map((line) -> line.isEmpty() ? line : block.indent() + line).toList();
	}

	private List<String> expectedContent(SnippetMarker marker) {
		Path file = this.sourceRoot.resolve(marker.path()).normalize();
		if (!file.startsWith(this.sourceRoot.normalize()) || !Files.isRegularFile(file)) {
			throw new IllegalArgumentException(
					"the snippet source " + marker.path() + " does not exist under " + this.sourceRootName);
		}
		SnippetSource source = this.sources.computeIfAbsent(file,
				(path) -> SnippetSource.parse(marker.path(), DocsTree.readString(path)));
		return (marker.tag() != null) ? source.region(marker.tag()) : source.whole();
	}

	/**
	 * A short diff: the lines between the common start and the common end of the two versions.
	 * @param firstLine the page's line number of the block's first content line
	 */
	static String diff(List<String> page, List<String> source, int firstLine) {
		int start = 0;
		while (start < page.size() && start < source.size() && page.get(start).equals(source.get(start))) {
			start++;
		}
		int end = 0;
		while (end < page.size() - start && end < source.size() - start
				&& page.get(page.size() - 1 - end).equals(source.get(source.size() - 1 - end))) {
			end++;
		}
		StringBuilder diff = new StringBuilder("; from line ").append(firstLine + start).append(':');
		appendLines(diff, "- page:   ", page.subList(start, page.size() - end));
		appendLines(diff, "+ source: ", source.subList(start, source.size() - end));
		return diff.toString();
	}

	private static void appendLines(StringBuilder diff, String prefix, List<String> lines) {
		lines.stream().limit(DIFF_LINES).forEach((line) -> diff.append("\n    ").append(prefix).append(line));
		if (lines.size() > DIFF_LINES) {
			diff.append("\n    ").append(prefix).append("… ").append(lines.size() - DIFF_LINES).append(" more lines");
		}
	}

	private static String at(MarkdownPage page, int line) {
		return page.name() + ":" + line + ": ";
	}

}
