package dev.delayqueue.docs.check;

/**
 * A link of a Markdown page.
 *
 * @param target the link's destination as written, such as {@code docs/api.md#scheduling}
 * @param line the line number, from 1
 */
record MarkdownLink(String target, int line) {

	/**
	 * Whether the link leaves the repository: it has a scheme ({@code https:}, {@code mailto:}) or starts with
	 * {@code //}.
	 * @return whether the link is external
	 */
	boolean isExternal() {
		return this.target.matches("^[a-zA-Z][a-zA-Z0-9+.\\-]*:.*") || this.target.startsWith("//");
	}

	/**
	 * The file part of the target.
	 * @return the path before {@code #}, empty for a link within the page
	 */
	String path() {
		int hash = this.target.indexOf('#');
		return (hash >= 0) ? this.target.substring(0, hash) : this.target;
	}

	/**
	 * The fragment of the target.
	 * @return the text after {@code #}, or empty
	 */
	String fragment() {
		int hash = this.target.indexOf('#');
		return (hash >= 0) ? this.target.substring(hash + 1) : "";
	}

}
