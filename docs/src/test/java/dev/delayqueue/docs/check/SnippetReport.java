package dev.delayqueue.docs.check;

import java.util.List;

/**
 * What {@link Snippets} found in one page.
 *
 * @param problems blocks that cannot be checked at all: no marker, a missing source or tag; fail in every mode
 * @param differences blocks whose text differs from their source, each with a short diff; fail unless updating
 * @param updatedText the page's text with every such block copied from its source
 */
record SnippetReport(List<String> problems, List<String> differences, String updatedText) {

}
