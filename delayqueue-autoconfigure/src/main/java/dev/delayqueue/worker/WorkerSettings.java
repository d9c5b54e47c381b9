package dev.delayqueue.worker;

import java.time.Duration;

/**
 * Settings of an instance's worker, across topics.
 *
 * @param batchSize most jobs claimed, completed or failed by one script call
 * @param pollInterval longest sleep between two claims of a topic, a safety net under the pub/sub wake-ups
 * @param shutdownTimeout how long shutdown waits for running handlers before interrupting them
 * @since 0.1.0
 */
public record WorkerSettings(int batchSize, Duration pollInterval, Duration shutdownTimeout) {

	/** Default batch size. */
	public static final int DEFAULT_BATCH_SIZE = 100;

	/** Default poll interval. */
	public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

	/** Default shutdown timeout. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/** The defaults. */
	public static final WorkerSettings DEFAULT = new WorkerSettings(DEFAULT_BATCH_SIZE, DEFAULT_POLL_INTERVAL,
			DEFAULT_SHUTDOWN_TIMEOUT);

	/**
	 * Checks the values.
	 */
	public WorkerSettings {
		if (batchSize < 1 || batchSize > 10_000) {
			throw new IllegalArgumentException("batchSize must be between 1 and 10000, was " + batchSize);
		}
		if (pollInterval.compareTo(Duration.ofMillis(10)) < 0) {
			throw new IllegalArgumentException("pollInterval must be at least 10ms, was " + pollInterval);
		}
		if (shutdownTimeout.isNegative()) {
			throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + shutdownTimeout);
		}
	}

}
