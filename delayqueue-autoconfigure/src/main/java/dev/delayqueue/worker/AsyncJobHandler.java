package dev.delayqueue.worker;

import java.util.concurrent.CompletionStage;

import dev.delayqueue.DelayedJob;

/**
 * Delivers a due job without holding a thread while it waits, as the HTTP callback dispatcher does. The returned
 * stage completing normally means success; completing exceptionally means failure, judged like an exception
 * thrown by a {@link JobHandler}. {@link #deliver} is called on the worker's dispatcher thread and must return at
 * once. A stage still running when the worker stops after its shutdown timeout is cancelled and its job released.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AsyncJobHandler {

	/**
	 * Starts delivering the job.
	 * @param job the job, {@code attempts} being the number of this attempt
	 * @return completes when delivery ended
	 */
	CompletionStage<?> deliver(DelayedJob job);

	/**
	 * Called once when the worker stops: deliveries accepted but not started yet (waiting for a connection slot,
	 * say) should end at once with a {@link java.util.concurrent.CancellationException}, so their jobs are
	 * released; running ones go on. Does nothing by default.
	 */
	default void stopStarting() {
	}

}
