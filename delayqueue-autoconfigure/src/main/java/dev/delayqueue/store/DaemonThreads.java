package dev.delayqueue.store;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The background threads of delayqueue's periodic work (heartbeats, subscriptions, clock syncs, gauges, counters):
 * one daemon thread each, named, so none of them keeps a JVM alive and a thread dump says whose it is.
 *
 * @since 0.1.0
 */
public final class DaemonThreads {

	private DaemonThreads() {
	}

	/**
	 * Creates a scheduled executor on one daemon thread.
	 * @param name the thread's name, for example {@code delayqueue-clock}
	 * @return the executor; shut it down when its owner stops
	 */
	public static ScheduledExecutorService scheduler(String name) {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		});
	}

}
