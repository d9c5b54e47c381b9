package dev.delayqueue.docs.check;

/**
 * A row of a property table of the configuration page.
 *
 * @param name the property's name, as written in the first cell without its backticks
 * @param defaultValue the second cell without backticks, trimmed; empty when the cell is
 * @param line the row's line number, from 1
 */
record ConfigurationRow(String name, String defaultValue, int line) {

}
