package dev.delayqueue.worker;

import java.time.Duration;
import java.util.List;

/**
 * How one topic's jobs are worked in this application instance.
 *
 * @param concurrency how many of the topic's jobs run at once here (handler threads)
 * @param prefetch how many more claimed jobs may wait here for a free thread (their leases are kept alive)
 * @param lease how long a claim lasts without a heartbeat before another worker may deliver the job again
 * @param retry the retry policy
 * @param noRetryFor exception types that send the job straight to the dead state
 * @since 0.1.0
 */
public record TopicSettings(int concurrency, int prefetch, Duration lease, RetryPolicy retry,
		List<Class<? extends Throwable>> noRetryFor) {

	/** Default concurrency. */
	public static final int DEFAULT_CONCURRENCY = 4;

	/** Default prefetch. */
	public static final int DEFAULT_PREFETCH = 16;

	/** Default lease. */
	public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

	/** The defaults: 4 threads, 16 prefetched, 30 s lease, {@link RetryPolicy#DEFAULT}. */
	public static final TopicSettings DEFAULT = new TopicSettings(DEFAULT_CONCURRENCY, DEFAULT_PREFETCH,
			DEFAULT_LEASE, RetryPolicy.DEFAULT, List.of());

	/**
	 * Checks the values.
	 */
	public TopicSettings {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
		}
		if (prefetch < 0) {
			throw new IllegalArgumentException("prefetch must not be negative, was " + prefetch);
		}
		if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("lease must be at least 1s, was " + lease);
		}
		noRetryFor = List.copyOf(noRetryFor);
	}

	/**
	 * Returns whether an exception sends the job straight to the dead state.
	 * @param error the exception a handler threw
	 * @return whether it is one of {@link #noRetryFor} (or a subclass)
	 */
	public boolean isNonRetryable(Throwable error) {
		return this.noRetryFor.stream().anyMatch((type) -> type.isInstance(error));
	}

}
