package dev.delayqueue.docs.check;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The anchors GitHub gives a page's headings (ATX {@code ## Title} and setext, outside fenced blocks): the heading's
 * text without its Markdown (links keep their text, code spans their content, HTML tags go), lower case, every
 * character but letters, digits, spaces, hyphens and underscores dropped, spaces turned into hyphens; a slug seen
 * before gets {@code -1}, {@code -2}, ... .
 */
final class HeadingSlugs {

	private static final Pattern ATX = Pattern.compile("^ {0,3}#{1,6}(?:\\s+(.*?))?(?:\\s+#+)?\\s*$");

	private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^ {0,3}(=+|-+)\\s*$");

	private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)]\\([^)]*\\)");

	private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

	private static final Pattern HTML_TAG = Pattern.compile("<[^>]+>");

	private static final Pattern DROPPED = Pattern.compile("[^\\p{L}\\p{N}\\p{M} _-]");

	private HeadingSlugs() {
	}

	/**
	 * The anchors of a page.
	 * @param page the page
	 * @return its headings' slugs, in page order
	 */
	static Set<String> of(MarkdownPage page) {
		Set<String> slugs = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		List<String> lines = page.lines();
		for (int index = 0; index < lines.size(); index++) {
			if (page.isFenced(index)) {
				continue;
			}
			String heading = heading(page, index);
			if (heading == null) {
				continue;
			}
			String slug = slug(heading);
			int count = seen.merge(slug, 1, Integer::sum);
			slugs.add((count == 1) ? slug : slug + "-" + (count - 1));
		}
		return slugs;
	}

	private static @Nullable String heading(MarkdownPage page, int index) {
		String line = page.lines().get(index);
		Matcher atx = ATX.matcher(line);
		if (atx.matches()) {
			return (atx.group(1) != null) ? atx.group(1) : "";
		}
		boolean underlined = index + 1 < page.lines().size() && !page.isFenced(index + 1)
				&& SETEXT_UNDERLINE.matcher(page.lines().get(index + 1)).matches();
		boolean paragraphStart = index == 0 || page.lines().get(index - 1).isBlank() || page.isFenced(index - 1);
		if (underlined && paragraphStart && !line.isBlank() && !line.strip().startsWith("|")) {
			return line.strip();
		}
		return null;
	}

	/**
	 * The slug of one heading, before duplicates are numbered.
	 * @param heading the heading's Markdown text
	 * @return the slug
	 */
	static String slug(String heading) {
		String unlinked = LINK.matcher(heading).replaceAll("$1");
		StringBuilder text = new StringBuilder();
		Matcher code = CODE_SPAN.matcher(unlinked);
		int prose = 0;
		while (code.find()) {
			text.append(withoutHtml(unlinked.substring(prose, code.start()))).append(code.group(2));
			prose = code.end();
		}
		text.append(withoutHtml(unlinked.substring(prose)));
		String slug = DROPPED.matcher(text.toString().toLowerCase(Locale.ROOT)).replaceAll("");
		return slug.replace(' ', '-');
	}

	private static String withoutHtml(String markdown) {
		return HTML_TAG.matcher(markdown).replaceAll("");
	}

}
