package dev.delayqueue.store;

import java.util.List;

/**
 * Where {@link DefaultDelayQueue} writes changes made inside a database transaction, so that they commit or roll
 * back with it; a relay then makes them in the store.
 *
 * @since 0.2.0
 */
public interface Outbox {

	/**
	 * Writes the entries in the active transaction of the outbox's database.
	 * @param entries the changes, in order
	 * @return {@code false} when no transaction of that database is active (nothing was written)
	 */
	boolean write(List<OutboxEntry> entries);

	/**
	 * Counts the rows waiting to be relayed.
	 * @return the rows
	 */
	long backlog();

	/**
	 * Returns how long the oldest row has waited to be relayed.
	 * @param now the current time (epoch ms)
	 * @return milliseconds; 0 when there is none
	 */
	long oldestAgeMillis(long now);

}
