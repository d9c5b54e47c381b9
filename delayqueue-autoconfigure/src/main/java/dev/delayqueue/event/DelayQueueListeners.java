package dev.delayqueue.event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.ScheduleResult;

/**
 * Calls several {@link DelayQueueListener}s in order; an exception from one is logged and does not stop the others.
 *
 * @since 0.1.0
 */
public final class DelayQueueListeners implements DelayQueueListener {

	private static final Logger logger = LoggerFactory.getLogger(DelayQueueListeners.class);

	private final List<DelayQueueListener> listeners;

	/**
	 * Creates a composite.
	 * @param listeners the listeners, called in this order
	 */
	public DelayQueueListeners(List<? extends DelayQueueListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	private void each(Consumer<DelayQueueListener> call) {
		for (DelayQueueListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("DelayQueueListener {} failed; ignored", listener, ex);
			}
		}
	}

	@Override
	public void onScheduled(String topic, String id, Instant dueAt, ScheduleResult result) {
		each((l) -> l.onScheduled(topic, id, dueAt, result));
	}

	@Override
	public void onClaimed(DelayedJob job, Duration lateness) {
		each((l) -> l.onClaimed(job, lateness));
	}

	@Override
	public void onSucceeded(DelayedJob job, Duration took) {
		each((l) -> l.onSucceeded(job, took));
	}

	@Override
	public void onDeliveryEnded(DelayedJob job, DeliveryOutcome outcome, Duration took) {
		each((l) -> l.onDeliveryEnded(job, outcome, took));
	}

	@Override
	public void onRetryScheduled(DelayedJob job, Instant nextAttemptAt, Throwable error) {
		each((l) -> l.onRetryScheduled(job, nextAttemptAt, error));
	}

	@Override
	public void onDead(DelayedJob job, String reason, @Nullable Throwable error) {
		each((l) -> l.onDead(job, reason, error));
	}

	@Override
	public void onLeaseExpired(String topic, String id) {
		each((l) -> l.onLeaseExpired(topic, id));
	}

	@Override
	public void onCancelled(String topic, String id) {
		each((l) -> l.onCancelled(topic, id));
	}

	@Override
	public void onWorkerError(@Nullable String topic, Throwable error, Duration retryIn) {
		each((l) -> l.onWorkerError(topic, error, retryIn));
	}

}
