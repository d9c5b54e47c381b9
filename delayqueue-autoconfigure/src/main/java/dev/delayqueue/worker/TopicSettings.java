package dev.delayqueue.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How one topic's jobs are worked in this application instance.
 *
 * @param concurrency how many of the topic's jobs run at once here (handler threads)
 * @param prefetch how many more claimed jobs may wait here for a free thread (their leases are kept alive)
 * @param lease how long a claim lasts without a heartbeat before another worker may deliver the job again
 * @param retry the retry policy
 * @param noRetryFor exception types that send the job straight to the dead state
 * @param rateLimit most deliveries a second of the topic, all instances together (0 for no limit)
 * @since 0.1.0
 */
public record TopicSettings(int concurrency, int prefetch, Duration lease, RetryPolicy retry,
		List<Class<? extends Throwable>> noRetryFor, double rateLimit) {

	/** Default concurrency. */
	public static final int DEFAULT_CONCURRENCY = 4;

	/** Default prefetch. */
	public static final int DEFAULT_PREFETCH = 16;

	/** Default lease. */
	public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

	/** The defaults: 4 threads, 16 prefetched, 30 s lease, {@link RetryPolicy#DEFAULT}. */
	public static final TopicSettings DEFAULT = new TopicSettings(DEFAULT_CONCURRENCY, DEFAULT_PREFETCH,
			DEFAULT_LEASE, RetryPolicy.DEFAULT, List.of(), 0);

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
		if (!(rateLimit >= 0) || Double.isInfinite(rateLimit)) {
			throw new IllegalArgumentException("rate-limit must be 0 (none) or a positive number of deliveries a second, "
					+ "was " + rateLimit);
		}
		noRetryFor = List.copyOf(noRetryFor);
	}

	/**
	 * Settings without a rate limit.
	 * @param concurrency how many of the topic's jobs run at once here
	 * @param prefetch how many more claimed jobs may wait here for a free thread
	 * @param lease how long a claim lasts without a heartbeat
	 * @param retry the retry policy
	 * @param noRetryFor exception types that send the job straight to the dead state
	 */
	public TopicSettings(int concurrency, int prefetch, Duration lease, RetryPolicy retry,
			List<Class<? extends Throwable>> noRetryFor) {
		this(concurrency, prefetch, lease, retry, noRetryFor, 0);
	}


	/**
	 * Starts settings from {@link #DEFAULT}.
	 * @return a builder
	 */
	public static Builder builder() {
		return DEFAULT.toBuilder();
	}

	/**
	 * Starts settings from these.
	 * @return a builder holding these values
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Returns whether an exception sends the job straight to the dead state.
	 * @param error the exception a handler threw
	 * @return whether it is one of {@link #noRetryFor} (or a subclass)
	 */
	public boolean isNonRetryable(Throwable error) {
		return this.noRetryFor.stream().anyMatch((type) -> type.isInstance(error));
	}

	/**
	 * Builds {@link TopicSettings}: the one place settings are put together, from the defaults, annotation
	 * attributes, properties and customizers alike. {@link #build()} checks every value.
	 */
	public static final class Builder {

		private int concurrency;

		private int prefetch;

		private Duration lease;

		private int maxAttempts;

		private Duration initialInterval;

		private double multiplier;

		private Duration maxInterval;

		private double jitter;

		private final List<Class<? extends Throwable>> noRetryFor;

		private double rateLimit;

		private Builder(TopicSettings from) {
			this.rateLimit = from.rateLimit;
			this.concurrency = from.concurrency;
			this.prefetch = from.prefetch;
			this.lease = from.lease;
			retry(from.retry);
			this.noRetryFor = new ArrayList<>(from.noRetryFor);
		}

		/**
		 * Sets how many jobs run at once.
		 * @param concurrency at least 1
		 * @return this builder
		 */
		public Builder concurrency(int concurrency) {
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * Sets how many more claimed jobs may wait for a thread.
		 * @param prefetch at least 0
		 * @return this builder
		 */
		public Builder prefetch(int prefetch) {
			this.prefetch = prefetch;
			return this;
		}

		/**
		 * Sets the lease.
		 * @param lease at least 1 s
		 * @return this builder
		 */
		public Builder lease(Duration lease) {
			this.lease = lease;
			return this;
		}

		/**
		 * Sets every value of the retry policy.
		 * @param retry the policy
		 * @return this builder
		 */
		public Builder retry(RetryPolicy retry) {
			this.maxAttempts = retry.maxAttempts();
			this.initialInterval = retry.initialInterval();
			this.multiplier = retry.multiplier();
			this.maxInterval = retry.maxInterval();
			this.jitter = retry.jitter();
			return this;
		}

		/**
		 * Sets the most delivery attempts.
		 * @param maxAttempts at least 1
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Sets the wait after the first failed attempt.
		 * @param initialInterval the wait
		 * @return this builder
		 */
		public Builder initialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
			return this;
		}

		/**
		 * Sets the factor applied to the wait after each further failure.
		 * @param multiplier 1 to 100
		 * @return this builder
		 */
		public Builder multiplier(double multiplier) {
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * Sets the longest wait.
		 * @param maxInterval the wait
		 * @return this builder
		 */
		public Builder maxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
			return this;
		}

		/**
		 * Sets the fraction of each wait spread randomly.
		 * @param jitter 0 to 1
		 * @return this builder
		 */
		public Builder jitter(double jitter) {
			this.jitter = jitter;
			return this;
		}

		/**
		 * Adds exception types that send a job straight to the dead state.
		 * @param types the types
		 * @return this builder
		 */
		public Builder noRetryFor(List<Class<? extends Throwable>> types) {
			this.noRetryFor.addAll(types);
			return this;
		}

		/**
		 * Sets the topic's rate limit.
		 * @param rateLimit most deliveries a second, all instances together; 0 for none
		 * @return this builder
		 */
		public Builder rateLimit(double rateLimit) {
			this.rateLimit = rateLimit;
			return this;
		}

		/**
		 * Builds the settings.
		 * @return the settings
		 * @throws IllegalArgumentException naming the value that breaks a rule
		 */
		public TopicSettings build() {
			return new TopicSettings(this.concurrency, this.prefetch, this.lease, new RetryPolicy(this.maxAttempts,
					this.initialInterval, this.multiplier, this.maxInterval, this.jitter), this.noRetryFor, this.rateLimit);
		}

	}

}
