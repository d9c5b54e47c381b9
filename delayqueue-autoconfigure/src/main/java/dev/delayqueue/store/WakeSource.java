package dev.delayqueue.store;

/**
 * Announcements of jobs that became the earliest of their topic and lane, so sleeping workers wake up early. An
 * implementation keeps its subscription alive by itself: {@link #start} never fails because the store is
 * unreachable; it keeps trying in the background and says so through {@link Listener#onResubscribed()}, since
 * announcements made meanwhile were missed.
 *
 * @since 0.1.0
 */
public interface WakeSource {

	/**
	 * Starts listening; does nothing when started or stopped before.
	 * @param listener hears the announcements
	 */
	void start(Listener listener);

	/**
	 * Makes sure the announcements of a partition reach the listener, for a source that listens per partition
	 * (sharded pub/sub on a cluster); the worker calls it for every partition it claims from, before or after
	 * {@link #start}, as often as it likes. A source with one channel for everything ignores it.
	 * @param partition the partition
	 */
	default void watch(TopicPartition partition) {
	}

	/**
	 * Stops listening for good and releases the connection.
	 */
	void stop();

	/**
	 * Hears wake-up announcements.
	 */
	interface Listener {

		/**
		 * Called when a job became the earliest of its topic partition and lane.
		 * @param partition the topic partition
		 * @param lane the lane
		 * @param due the new earliest due time (epoch ms)
		 */
		void onWake(TopicPartition partition, Lane lane, long due);

		/**
		 * Called when the subscription is live again after a failure, or moved to another node with its slot:
		 * announcements may have been missed.
		 */
		default void onResubscribed() {
		}

	}

}
