package dev.delayqueue.worker;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.store.RedisRefusals;

/**
 * What the worker's threads do when the store fails: back off exponentially, log the first failure of a streak as
 * a warning (the rest at debug) and tell the listener. Stateless; each thread keeps its own streak.
 */
final class WorkerErrors {

	private static final Logger logger = LoggerFactory.getLogger(JobWorker.class);

	/** Longest back-off after store errors. */
	static final long MAX_BACKOFF_MILLIS = 5_000;

	private final DelayQueueListener listener;

	WorkerErrors(DelayQueueListener listener) {
		this.listener = listener;
	}

	/**
	 * Returns the wait after the {@code streak}-th failure in a row: 100 ms doubling, at most
	 * {@link #MAX_BACKOFF_MILLIS}.
	 * @param streak failures in a row, from 1
	 * @return the wait in milliseconds
	 */
	static long backoff(int streak) {
		return Math.min(MAX_BACKOFF_MILLIS, 50L << Math.min(10, streak));
	}

	void report(@Nullable String topic, String action, int streak, RuntimeException ex, long backoffMillis) {
		String cause = describe(ex);
		if (RedisRefusals.permission(ex) != null) {
			// a refusal by the Redis ACL does not heal by itself: said loudly, and again every 50 failures
			if (streak % 50 == 1) {
				logger.error("delayqueue could not {}{}: {}; its Redis user lacks a permission: grant what docs/redis.md "
						+ "lists under 'A Redis user for delayqueue'", action,
						(topic != null) ? " of topic '" + topic + "'" : "", cause);
			}
		}
		else if (streak == 1) {
			logger.warn("delayqueue could not {}{}: {}; retrying in {} ms", action,
					(topic != null) ? " of topic '" + topic + "'" : "", cause, backoffMillis);
		}
		else {
			logger.debug("delayqueue could not {} (failure {} in a row)", action, streak, ex);
		}
		this.listener.onWorkerError(topic, ex, Duration.ofMillis(backoffMillis));
	}

	/** The exception and, when it wraps one that says more (Redis's own error), that one's message. */
	private static String describe(RuntimeException ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == ex || root.getMessage() == null) ? ex.toString() : ex + " (" + root.getMessage().trim() + ")";
	}

}
