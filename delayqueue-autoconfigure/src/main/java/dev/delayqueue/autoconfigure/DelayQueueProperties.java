package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DefaultDelayQueue;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.worker.RetryPolicy;
import dev.delayqueue.worker.TopicSettings;
import dev.delayqueue.worker.WorkerSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of delayqueue ({@code delayqueue.*}).
 *
 * @since 0.1.0
 */
@ConfigurationProperties("delayqueue")
public class DelayQueueProperties {

	/**
	 * Whether delayqueue is enabled at all.
	 */
	private boolean enabled = true;

	/**
	 * Largest job body, as JSON.
	 */
	private DataSize maxBodySize = DataSize.ofBytes(DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES);

	private final Redis redis = new Redis();

	private final Worker worker = new Worker();

	private final Defaults defaults = new Defaults();

	/**
	 * Per-topic settings, overriding the defaults and the handler's annotation.
	 */
	private final Map<String, Topic> topics = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public DataSize getMaxBodySize() {
		return this.maxBodySize;
	}

	public void setMaxBodySize(DataSize maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Map<String, Topic> getTopics() {
		return this.topics;
	}

	/**
	 * Redis settings.
	 */
	public static class Redis {

		/**
		 * Prefix of every Redis key and channel delayqueue uses; give each application sharing a Redis its own.
		 */
		private String keyPrefix = JobKeys.DEFAULT_PREFIX;

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

	/**
	 * Worker settings, for all topics of this instance.
	 */
	public static class Worker {

		/**
		 * Whether this instance delivers jobs; false for an instance that only schedules them.
		 */
		private boolean enabled = true;

		/**
		 * Most jobs claimed or acknowledged by one Redis script call.
		 */
		private int batchSize = WorkerSettings.DEFAULT_BATCH_SIZE;

		/**
		 * Longest sleep between two claims of a topic; a safety net under the pub/sub wake-ups.
		 */
		private Duration pollInterval = WorkerSettings.DEFAULT_POLL_INTERVAL;

		/**
		 * How long shutdown waits for running handlers before interrupting them.
		 */
		private Duration shutdownTimeout = WorkerSettings.DEFAULT_SHUTDOWN_TIMEOUT;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		WorkerSettings toSettings() {
			return new WorkerSettings(this.batchSize, this.pollInterval, this.shutdownTimeout);
		}

	}

	/**
	 * Settings of every handler, unless its annotation or its topic's properties say otherwise.
	 */
	public static class Defaults {

		/**
		 * How many of a topic's jobs run at once in this instance.
		 */
		private int concurrency = TopicSettings.DEFAULT_CONCURRENCY;

		/**
		 * How many claimed jobs of a topic may wait here for a free handler thread.
		 */
		private int prefetch = TopicSettings.DEFAULT_PREFETCH;

		/**
		 * How long a claim lasts without a heartbeat before another instance may deliver the job again.
		 */
		private Duration lease = TopicSettings.DEFAULT_LEASE;

		/**
		 * Exception types that send a job straight to the dead state.
		 */
		private List<Class<? extends Throwable>> noRetryFor = new ArrayList<>();

		private final Retry retry = new Retry();

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public List<Class<? extends Throwable>> getNoRetryFor() {
			return this.noRetryFor;
		}

		public void setNoRetryFor(List<Class<? extends Throwable>> noRetryFor) {
			this.noRetryFor = noRetryFor;
		}

		public Retry getRetry() {
			return this.retry;
		}

		TopicSettings toSettings() {
			return new TopicSettings(this.concurrency, this.prefetch, this.lease,
					new RetryPolicy(this.retry.maxAttempts, this.retry.initialInterval, this.retry.multiplier,
							this.retry.maxInterval, this.retry.jitter),
					this.noRetryFor);
		}

	}

	/**
	 * Default retry policy.
	 */
	public static class Retry {

		/**
		 * Most delivery attempts, the first included.
		 */
		private int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;

		/**
		 * Wait after the first failed attempt.
		 */
		private Duration initialInterval = RetryPolicy.DEFAULT_INITIAL_INTERVAL;

		/**
		 * Factor applied to the wait after each further failure.
		 */
		private double multiplier = RetryPolicy.DEFAULT_MULTIPLIER;

		/**
		 * Longest wait between two attempts.
		 */
		private Duration maxInterval = RetryPolicy.DEFAULT_MAX_INTERVAL;

		/**
		 * Fraction of each wait spread at random, from 0 to 1, so that failed jobs do not retry in lockstep.
		 */
		private double jitter = RetryPolicy.DEFAULT_JITTER;

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Settings of one topic; each one left unset falls back to the handler's annotation, then to the defaults.
	 */
	public static class Topic {

		/**
		 * How many of the topic's jobs run at once in this instance.
		 */
		private @Nullable Integer concurrency;

		/**
		 * How many claimed jobs may wait here for a free handler thread.
		 */
		private @Nullable Integer prefetch;

		/**
		 * How long a claim lasts without a heartbeat.
		 */
		private @Nullable Duration lease;

		/**
		 * Most delivery attempts, the first included.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Wait after the first failed attempt.
		 */
		private @Nullable Duration initialInterval;

		/**
		 * Factor applied to the wait after each further failure.
		 */
		private @Nullable Double multiplier;

		/**
		 * Longest wait between two attempts.
		 */
		private @Nullable Duration maxInterval;

		/**
		 * Fraction of each wait spread at random, from 0 to 1.
		 */
		private @Nullable Double jitter;

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = concurrency;
		}

		public @Nullable Integer getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(@Nullable Integer prefetch) {
			this.prefetch = prefetch;
		}

		public @Nullable Duration getLease() {
			return this.lease;
		}

		public void setLease(@Nullable Duration lease) {
			this.lease = lease;
		}

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(@Nullable Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
		}

		public @Nullable Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(@Nullable Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public @Nullable Double getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

		TopicSettings applyTo(TopicSettings base) {
			RetryPolicy retry = base.retry();
			return new TopicSettings(or(this.concurrency, base.concurrency()), or(this.prefetch, base.prefetch()),
					or(this.lease, base.lease()),
					new RetryPolicy(or(this.maxAttempts, retry.maxAttempts()),
							or(this.initialInterval, retry.initialInterval()), or(this.multiplier, retry.multiplier()),
							or(this.maxInterval, retry.maxInterval()), or(this.jitter, retry.jitter())),
					base.noRetryFor());
		}

		private static <T> T or(@Nullable T value, T fallback) {
			return (value != null) ? value : fallback;
		}

	}

}
