package dev.delayqueue.store;

/**
 * Relays an outbox's rows to the store on demand: what a test kit calls so that a change committed just before is
 * in Redis before it moves time.
 *
 * @since 0.2.0
 */
public interface OutboxRelayer {

	/**
	 * Relays every row there is now, on the caller's thread.
	 * @return how many rows were relayed
	 * @throws Exception when the database or the store fails
	 */
	int relayAll() throws Exception;

	/**
	 * Counts the rows waiting to be relayed.
	 * @return the rows
	 */
	long backlog();

}
