package dev.delayqueue.docs.check;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The links of a page outside fenced blocks and code spans: inline links and images ({@code [text](target)},
 * {@code ![alt](target "title")}, {@code [text](<target>)}) and reference definitions ({@code [id]: target}).
 */
final class MarkdownLinks {

	private static final Pattern INLINE = Pattern
		.compile("!?\\[(?:[^\\[\\]]|\\[[^\\[\\]]*])*]\\(\\s*(<[^>]*>|[^)\\s]+)(?:\\s+(?:\"[^\"]*\"|'[^']*'))?\\s*\\)");

	private static final Pattern DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+]:\\s*(<[^>]*>|\\S+).*$");

	private static final Pattern CODE_SPAN = Pattern.compile("(`+).+?\\1");

	private MarkdownLinks() {
	}

	/**
	 * Finds the links of a page.
	 * @param page the page
	 * @return its links, in page order
	 */
	static List<MarkdownLink> find(MarkdownPage page) {
		List<MarkdownLink> links = new ArrayList<>();
		List<String> lines = page.lines();
		for (int index = 0; index < lines.size(); index++) {
			if (page.isFenced(index)) {
				continue;
			}
			String line = CODE_SPAN.matcher(lines.get(index)).replaceAll("");
			Matcher definition = DEFINITION.matcher(line);
			if (definition.matches()) {
				links.add(new MarkdownLink(unbracketed(definition.group(1)), index + 1));
				continue;
			}
			Matcher inline = INLINE.matcher(line);
			while (inline.find()) {
				links.add(new MarkdownLink(unbracketed(inline.group(1)), index + 1));
			}
		}
		return links;
	}

	private static String unbracketed(String target) {
		return (target.startsWith("<") && target.endsWith(">")) ? target.substring(1, target.length() - 1) : target;
	}

}
