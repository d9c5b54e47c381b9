package dev.delayqueue.event;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.ScheduleResult;

/**
 * Hears what happens to jobs, for metrics, tracing, logging or a dashboard. Every method has an empty default, so
 * implement only what you need. Methods are called on the thread that did the work (a worker thread, or the
 * caller of {@link dev.delayqueue.DelayQueue}); keep them fast and non-blocking. An exception thrown by a listener
 * is logged and otherwise ignored: it never changes what happens to the job.
 *
 * @since 0.1.0
 */
public interface DelayQueueListener {

	/**
	 * A job was scheduled (created or replaced).
	 * @param topic the topic
	 * @param id the id
	 * @param dueAt when it is due
	 * @param result what scheduling did
	 */
	default void onScheduled(String topic, String id, Instant dueAt, ScheduleResult result) {
	}

	/**
	 * A worker claimed a job and is about to deliver it.
	 * @param job the job; {@code attempts} is the number of this attempt
	 * @param lateness how long after its due time delivery starts
	 */
	default void onClaimed(DelayedJob job, Duration lateness) {
	}

	/**
	 * A delivery succeeded; the job is gone.
	 * @param job the job
	 * @param took how long the handler ran
	 */
	default void onSucceeded(DelayedJob job, Duration took) {
	}

	/**
	 * A delivery failed and the job will be tried again.
	 * @param job the job
	 * @param nextAttemptAt when it is tried again
	 * @param error what went wrong
	 */
	default void onRetryScheduled(DelayedJob job, Instant nextAttemptAt, Throwable error) {
	}

	/**
	 * A job went to the dead state.
	 * @param job the job
	 * @param reason why: the last error
	 * @param error the exception of the last attempt, or {@code null} (for example when its lease ran out)
	 */
	default void onDead(DelayedJob job, String reason, @Nullable Throwable error) {
	}

	/**
	 * The lease of a job ran out (its worker died or stalled); the job was made due again and will be delivered
	 * again.
	 * @param topic the topic
	 * @param id the id
	 */
	default void onLeaseExpired(String topic, String id) {
	}

	/**
	 * A delivery ended and its outcome was written: called after {@link #onSucceeded}, {@link #onRetryScheduled} or
	 * {@link #onDead}, and for a job released at shutdown. Not called when the job was replaced or cancelled while
	 * it ran (the outcome is ignored then).
	 * @param job the job as it was claimed; {@code attempts} is the number of this attempt
	 * @param outcome how the delivery ended
	 * @param took how long the handler or callback ran; zero when it did not run (its lease ran out on its final
	 * attempt, or it was released before it started)
	 */
	default void onDeliveryEnded(DelayedJob job, DeliveryOutcome outcome, Duration took) {
	}

	/**
	 * A job was cancelled.
	 * @param topic the topic
	 * @param id the id
	 */
	default void onCancelled(String topic, String id) {
	}

	/**
	 * A worker could not talk to Redis; it backs off and tries again.
	 * @param topic the topic it was working on, or {@code null} for work across topics
	 * @param error the error
	 * @param retryIn how long it waits before trying again
	 */
	default void onWorkerError(@Nullable String topic, Throwable error, Duration retryIn) {
	}

}
