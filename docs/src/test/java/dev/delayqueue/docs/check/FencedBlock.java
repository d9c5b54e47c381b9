package dev.delayqueue.docs.check;

import java.util.List;

/**
 * A fenced code block of a Markdown page.
 *
 * @param language the first word of the info string, lower case; empty when there is none
 * @param indent the whitespace before the opening fence, removed from the content lines that start with it
 * @param openIndex the index of the opening fence line in the page's lines
 * @param closeIndex the index of the closing fence line; the number of lines when the block is not closed
 * @param content the lines between the fences, as written
 */
record FencedBlock(String language, String indent, int openIndex, int closeIndex, List<String> content) {

	/**
	 * The opening fence's line number, from 1, for messages.
	 * @return the line number
	 */
	int openLine() {
		return this.openIndex + 1;
	}

	/**
	 * The content without the fence's indentation (code blocks in list items are indented with the item).
	 * @return the content lines
	 */
	List<String> unindentedContent() {
		return this.content.stream()
			.map((line) -> line.startsWith(this.indent) ? line.substring(this.indent.length()) : line.stripLeading())
			.toList();
	}

}
