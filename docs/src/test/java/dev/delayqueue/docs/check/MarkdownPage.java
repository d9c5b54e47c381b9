package dev.delayqueue.docs.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Markdown page cut into lines, with its fenced code blocks found (backtick and tilde fences, CommonMark rules:
 * a block is closed by a fence of the same character at least as long, and runs to the end of the page when it is
 * not closed).
 */
final class MarkdownPage {

	private static final Pattern OPENING_FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^\\s`]*)[^`]*$");

	private final String name;

	private final List<String> lines;

	private final boolean endsWithNewline;

	private final List<FencedBlock> blocks;

	private final boolean[] fenced;

	private MarkdownPage(String name, List<String> lines, boolean endsWithNewline) {
		this.name = name;
		this.lines = lines;
		this.endsWithNewline = endsWithNewline;
		this.fenced = new boolean[lines.size()];
		this.blocks = findBlocks();
	}

	/**
	 * Reads a page.
	 * @param name the page's name in messages, such as {@code docs/configuration.md}
	 * @param text the page's text, lines ending with {@code \n}
	 * @return the page
	 */
	static MarkdownPage parse(String name, String text) {
		boolean endsWithNewline = text.endsWith("\n");
		String body = endsWithNewline ? text.substring(0, text.length() - 1) : text;
		List<String> lines = body.isEmpty() ? List.of() : List.of(body.split("\n", -1));
		return new MarkdownPage(name, lines, endsWithNewline);
	}

	private List<FencedBlock> findBlocks() {
		List<FencedBlock> found = new ArrayList<>();
		int index = 0;
		while (index < this.lines.size()) {
			Matcher opening = OPENING_FENCE.matcher(this.lines.get(index));
			if (!opening.matches()) {
				index++;
				continue;
			}
			String fence = opening.group(2);
			Pattern closing = Pattern.compile("^\\s*" + Pattern.quote(fence.substring(0, 1)) + "{" + fence.length()
					+ ",}\\s*$");
			int close = index + 1;
			while (close < this.lines.size() && !closing.matcher(this.lines.get(close)).matches()) {
				close++;
			}
			found.add(new FencedBlock(opening.group(3).toLowerCase(Locale.ROOT), opening.group(1), index, close,
					List.copyOf(this.lines.subList(index + 1, close))));
			Arrays.fill(this.fenced, index, Math.min(close + 1, this.lines.size()), true);
			index = close + 1;
		}
		return List.copyOf(found);
	}

	String name() {
		return this.name;
	}

	List<String> lines() {
		return this.lines;
	}

	List<FencedBlock> blocks() {
		return this.blocks;
	}

	/**
	 * Whether a line is part of a fenced code block, fences included.
	 * @param index the line's index, from 0
	 * @return whether the line is code rather than prose
	 */
	boolean isFenced(int index) {
		return this.fenced[index];
	}

	/**
	 * The text of a new version of this page.
	 * @param newLines the lines of the new version
	 * @return the text, ending with a newline if this page did
	 */
	String text(List<String> newLines) {
		String text = String.join("\n", newLines);
		return (this.endsWithNewline) ? text + "\n" : text;
	}

}
