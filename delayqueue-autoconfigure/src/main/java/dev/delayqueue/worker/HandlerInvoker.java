package dev.delayqueue.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.RetryJobLaterException;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.observation.DelayQueueObservations;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Occurrence;
import dev.delayqueue.store.Outcome;

/**
 * Runs claimed jobs: on the lane's handler threads for a {@link JobHandler}, or started at once for an
 * {@link AsyncJobHandler}; measures them and turns how each ended into a {@link Completion} (through the
 * {@link FailurePolicy} for failures), handed to {@code finish}. A job interrupted or cancelled because the worker
 * stops is released, not failed.
 * <p>
 * Threads: {@link #start} runs on the claim loop's thread; deliveries end on handler threads or on whatever thread
 * completes an asynchronous delivery. No mutable state of its own.
 */
final class HandlerInvoker {

	private final Clock clock;

	private final DelayQueueListener listener;

	private final FailurePolicy policy;

	private final Consumer<Completion> finish;

	private final BooleanSupplier running;

	private volatile DelayQueueObservations observations = DelayQueueObservations.NONE;

	/**
	 * Creates an invoker.
	 * @param clock measures lateness and duration
	 * @param listener hears each delivery start
	 * @param policy decides the outcome of failures
	 * @param finish takes each completion (and frees the job's place in its lane)
	 * @param running whether the worker still runs: interruptions and cancellations after it stopped are releases
	 */
	HandlerInvoker(Clock clock, DelayQueueListener listener, FailurePolicy policy, Consumer<Completion> finish,
			BooleanSupplier running) {
		this.clock = clock;
		this.listener = listener;
		this.policy = policy;
		this.finish = finish;
		this.running = running;
	}

	/** Sets the observations of deliveries; before the worker starts. */
	void observations(DelayQueueObservations observations) {
		this.observations = observations;
	}

	/** Starts delivering a job just claimed from {@code lane}; its place in the lane is already counted busy. */
	void start(TopicLane lane, ClaimedJob claimed) {
		Optional<Outcome> dead = this.policy.beforeDelivery(claimed, lane.settings);
		if (dead.isPresent()) {
			this.finish.accept(new Completion.Failed(lane, claimed, dead.get(), null, Duration.ZERO));
			return;
		}
		Occurrence occurrence = claimed.occurrence();
		if (occurrence != null && occurrence.skipAfterMillis() > 0 && claimed.job().attempts() == 1) {
			// from the first attempt's due time: the occurrence's time, unless it was rescheduled
			long late = this.clock.millis() - claimed.job().dueAt().toEpochMilli();
			if (late > occurrence.skipAfterMillis()) {
				this.finish.accept(new Completion.Skipped(lane, claimed, Duration.ofMillis(late)));
				return;
			}
		}
		if (lane.asyncHandler != null) {
			startAsync(lane, lane.asyncHandler, claimed);
			return;
		}
		try {
			lane.executor.execute(new Delivery(this, lane, claimed));
		}
		catch (RejectedExecutionException ex) {
			this.finish.accept(new Completion.Released(lane, claimed, Duration.ZERO));
		}
	}

	/** Releases the jobs of a lane still waiting for a handler thread; returns at once. */
	void releaseWaiting(TopicLane lane) {
		ThreadPoolExecutor executor = lane.executor;
		if (executor == null) {
			return;
		}
		List<Runnable> waiting = new ArrayList<>();
		executor.getQueue().drainTo(waiting);
		for (Runnable task : waiting) {
			this.finish.accept(new Completion.Released(lane, ((Delivery) task).claimed(), Duration.ZERO));
		}
	}

	private void run(TopicLane lane, ClaimedJob claimed) {
		DelayedJob job = claimed.job();
		Observation observation = observation(lane, claimed);
		long start = started(job);
		Throwable failure = null;
		Observation.Scope scope = DelayQueueObservations.open(observation);
		try {
			lane.handler.handle(job);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			DelayQueueObservations.close(scope);
		}
		long end = this.clock.millis();
		if (failure == null) {
			end(observation, new Completion.Succeeded(lane, claimed, Duration.ofMillis(end - start)), null);
		}
		else if (!this.running.getAsBoolean()
				&& (failure instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
			end(observation, new Completion.Released(lane, claimed, Duration.ofMillis(end - start)), failure);
		}
		else {
			failed(observation, lane, claimed, failure, start, end);
		}
	}

	private void startAsync(TopicLane lane, AsyncJobHandler handler, ClaimedJob claimed) {
		DelayedJob job = claimed.job();
		Observation observation = observation(lane, claimed);
		long start = started(job);
		CompletableFuture<?> future;
		// the handler sees the delivery as the current observation while it starts its work (a callback's
		// WebClient request takes it as its parent)
		Observation.Scope scope = DelayQueueObservations.open(observation);
		try {
			future = begin(handler, job);
		}
		finally {
			DelayQueueObservations.close(scope);
		}
		lane.running.put(claimed.token(), future);
		future.whenComplete((result, error) -> {
			lane.running.remove(claimed.token());
			long end = this.clock.millis();
			Throwable failure = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
					: error;
			if (failure == null) {
				end(observation, new Completion.Succeeded(lane, claimed, Duration.ofMillis(end - start)), null);
			}
			else if (!this.running.getAsBoolean()
					&& (failure instanceof CancellationException || failure instanceof InterruptedException)) {
				end(observation, new Completion.Released(lane, claimed, Duration.ofMillis(end - start)), failure);
			}
			else {
				failed(observation, lane, claimed, failure, start, end);
			}
		});
	}

	/** Creates and starts the observation of one delivery ({@link Observation#NOOP} without observations). */
	private Observation observation(TopicLane lane, ClaimedJob claimed) {
		return DelayQueueObservations.start(
				this.observations.delivery(claimed.job(), lane.lane.wireName(), claimed.traceContext()));
	}

	/**
	 * Stops a delivery's observation with how it ended, then hands the completion on, whatever the observation
	 * does. A release at shutdown and a deliberate {@link RetryJobLaterException} are not errors of the span.
	 */
	private void end(Observation observation, Completion completion, @Nullable Throwable failure) {
		try {
			boolean error = failure != null && !(completion instanceof Completion.Released)
					&& !(failure instanceof RetryJobLaterException);
			DelayQueueObservations.stop(observation, error ? failure : null, outcome(completion));
		}
		finally {
			this.finish.accept(completion);
		}
	}

	private static String outcome(Completion completion) {
		if (completion instanceof Completion.Succeeded) {
			return "success";
		}
		if (completion instanceof Completion.Failed failed) {
			return (failed.outcome() instanceof Outcome.Dead) ? "dead" : "retry";
		}
		if (completion instanceof Completion.Skipped) {
			return "skipped";
		}
		return "released";
	}

	private long started(DelayedJob job) {
		long start = this.clock.millis();
		this.listener.onClaimed(job, Duration.ofMillis(Math.max(0, start - job.dueAt().toEpochMilli())));
		return start;
	}

	private void failed(Observation observation, TopicLane lane, ClaimedJob claimed, Throwable failure, long start,
			long now) {
		end(observation, new Completion.Failed(lane, claimed,
				this.policy.afterFailure(failure, claimed, lane.settings, now), failure, Duration.ofMillis(now - start)),
				failure);
	}

	private static CompletableFuture<?> begin(AsyncJobHandler handler, DelayedJob job) {
		try {
			return handler.deliver(job).toCompletableFuture();
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** One job waiting for, then running on, a handler thread of its lane. */
	private record Delivery(HandlerInvoker invoker, TopicLane lane, ClaimedJob claimed) implements Runnable {

		@Override
		public void run() {
			this.invoker.run(this.lane, this.claimed);
		}

	}

}
