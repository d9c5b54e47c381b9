package dev.delayqueue.docs.check;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The property rows of the configuration page's tables: {@code | `delayqueue.x.y` | `default` | description |},
 * the first cell one backticked name that starts with {@code delayqueue.}, the second the default (backticks
 * stripped, may be empty). Other rows (headers, separators, rows of other tables) and fenced blocks are skipped.
 */
final class ConfigurationTable {

	private static final Pattern NAME_CELL = Pattern.compile("^`(delayqueue\\.[^`\\s]+)`$");

	private static final Pattern CELL_SEPARATOR = Pattern.compile("(?<!\\\\)\\|");

	private ConfigurationTable() {
	}

	/**
	 * Finds the property rows of a page.
	 * @param page the configuration page
	 * @return its rows, in page order
	 */
	static List<ConfigurationRow> rows(MarkdownPage page) {
		List<ConfigurationRow> rows = new ArrayList<>();
		List<String> lines = page.lines();
		for (int index = 0; index < lines.size(); index++) {
			String line = lines.get(index).strip();
			if (page.isFenced(index) || !line.startsWith("|")) {
				continue;
			}
			String[] cells = CELL_SEPARATOR.split(line.substring(1), -1);
			if (cells.length < 2) {
				continue;
			}
			Matcher name = NAME_CELL.matcher(cells[0].strip());
			if (name.matches()) {
				rows.add(new ConfigurationRow(name.group(1), cells[1].replace("`", "").strip(), index + 1));
			}
		}
		return rows;
	}

}
