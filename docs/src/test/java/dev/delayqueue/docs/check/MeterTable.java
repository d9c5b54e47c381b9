package dev.delayqueue.docs.check;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The meters a page lists: the first cell of each row of a table whose header starts with {@code | meter |}, a
 * backticked name. Such names are meters, not properties, whatever their first segment
 * ({@code delayqueue.worker.errors}); a test compares them with the meters delayqueue registers.
 */
final class MeterTable {

	private static final Pattern HEADER = Pattern.compile("^\\|\\s*meter\\s*\\|.*");

	private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|.*");

	private MeterTable() {
	}

	/**
	 * Finds the meter names of a page.
	 * @param page the page
	 * @return the names in the order listed
	 */
	static Set<String> names(MarkdownPage page) {
		Set<String> names = new LinkedHashSet<>();
		List<String> lines = page.lines();
		boolean inTable = false;
		for (String line : lines) {
			if (!line.startsWith("|")) {
				inTable = false;
				continue;
			}
			if (HEADER.matcher(line).matches()) {
				inTable = true;
				continue;
			}
			Matcher row = ROW.matcher(line);
			if (inTable && row.matches()) {
				names.add(row.group(1));
			}
		}
		return names;
	}

}
