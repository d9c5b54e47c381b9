package dev.delayqueue.docs.check;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.delayqueue.docs.check.PropertyReference.Place;

/**
 * The {@code delayqueue.*} names a page mentions: in backticked spans of its prose and tables, and as keys of its
 * {@code ```properties} blocks. A mention meant as a wrong example is skipped: one whose paragraph (or table row)
 * has the word "wrong" in it; in a {@code ```properties} block, one whose line or the comment lines right above it
 * say "wrong", or every line of a block whose preceding paragraph says it.
 */
final class PropertyReferences {

	private static final String PREFIX = ConfigurationMetadata.PREFIX;

	private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

	private static final Pattern WRONG = Pattern.compile("(?i)\\bwrong\\b");

	private static final Pattern KEY_END = Pattern.compile("[=:\\s]");

	private PropertyReferences() {
	}

	/**
	 * Finds the mentions of a page.
	 * @param page the page
	 * @return the mentions, in page order
	 */
	static List<PropertyReference> find(MarkdownPage page) {
		List<PropertyReference> found = new ArrayList<>();
		boolean[] wrong = wrongProse(page);
		List<String> lines = page.lines();
		for (int index = 0; index < lines.size(); index++) {
			if (page.isFenced(index) || wrong[index]) {
				continue;
			}
			Matcher span = CODE_SPAN.matcher(lines.get(index));
			while (span.find()) {
				String text = span.group(2).strip();
				text = text.startsWith("--") ? text.substring(2) : text;
				if (text.startsWith(PREFIX)) {
					found.add(new PropertyReference(key(text), index + 1, Place.PROSE));
				}
			}
		}
		for (FencedBlock block : page.blocks()) {
			if (block.language().equals("properties") && !precedingParagraphSaysWrong(page, block, wrong)) {
				addPropertiesKeys(block, found);
			}
		}
		found.sort((left, right) -> Integer.compare(left.line(), right.line()));
		return found;
	}

	private static void addPropertiesKeys(FencedBlock block, List<PropertyReference> found) {
		boolean commentSaysWrong = false;
		boolean continuation = false;
		List<String> content = block.content();
		for (int offset = 0; offset < content.size(); offset++) {
			String line = content.get(offset).strip();
			boolean continued = continuation;
			continuation = line.endsWith("\\");
			if (continued) {
				continue;
			}
			if (line.startsWith("#") || line.startsWith("!")) {
				commentSaysWrong |= WRONG.matcher(line).find();
				continue;
			}
			if (!line.isEmpty() && line.startsWith(PREFIX) && !commentSaysWrong && !WRONG.matcher(line).find()) {
				found.add(new PropertyReference(key(line), block.openLine() + 1 + offset, Place.PROPERTIES_BLOCK));
			}
			commentSaysWrong = false;
		}
	}

	/**
	 * A name without the value that follows it.
	 */
	private static String key(String text) {
		Matcher end = KEY_END.matcher(text);
		return end.find() ? text.substring(0, end.start()) : text;
	}

	/**
	 * Marks the prose lines of paragraphs that say "wrong"; a table row is a paragraph of its own.
	 */
	private static boolean[] wrongProse(MarkdownPage page) {
		List<String> lines = page.lines();
		boolean[] wrong = new boolean[lines.size()];
		int start = 0;
		while (start < lines.size()) {
			if (page.isFenced(start) || lines.get(start).isBlank() || isTableRow(lines.get(start))) {
				wrong[start] = !page.isFenced(start) && WRONG.matcher(lines.get(start)).find();
				start++;
				continue;
			}
			int end = start;
			boolean saysWrong = false;
			while (end < lines.size() && !page.isFenced(end) && !lines.get(end).isBlank()
					&& !isTableRow(lines.get(end))) {
				saysWrong |= WRONG.matcher(lines.get(end)).find();
				end++;
			}
			for (int index = start; index < end; index++) {
				wrong[index] = saysWrong;
			}
			start = end;
		}
		return wrong;
	}

	private static boolean precedingParagraphSaysWrong(MarkdownPage page, FencedBlock block, boolean[] wrong) {
		int index = block.openIndex() - 1;
		while (index >= 0 && !page.isFenced(index) && page.lines().get(index).isBlank()) {
			index--;
		}
		return index >= 0 && !page.isFenced(index) && wrong[index];
	}

	private static boolean isTableRow(String line) {
		return line.strip().startsWith("|");
	}

}
