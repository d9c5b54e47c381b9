package dev.delayqueue.worker;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lease;
import dev.delayqueue.store.Outcome;

/**
 * The recorder thread: writes the outcomes of deliveries to the store in batches, grouped by lane (successes
 * delete their jobs, failures and releases make them pending again or dead), then frees their leases and tells the
 * listener. A store error keeps the batch and tries it again after a back-off (the writes are idempotent under
 * their lease tokens). After {@link #close()} it writes what it holds and ends, giving up after a few failures in a
 * row: those jobs are delivered again when their lease runs out.
 * <p>
 * Threads: {@link #add} from any thread; {@link #run()} on the recorder thread, which alone touches the batch.
 */
final class OutcomeRecorder implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(JobWorker.class);

	private static final int GIVE_UP_AFTER_CLOSE = 3;

	private final JobStore store;

	private final DelayQueueListener listener;

	private final WorkerErrors errors;

	private final Clock clock;

	private final int batchSize;

	private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

	private volatile boolean closed;

	OutcomeRecorder(JobStore store, DelayQueueListener listener, WorkerErrors errors, Clock clock, int batchSize) {
		this.store = store;
		this.listener = listener;
		this.errors = errors;
		this.clock = clock;
		this.batchSize = batchSize;
	}

	/** Queues a completion for writing. */
	void add(Completion completion) {
		this.completions.add(completion);
	}

	/** Asks the recorder to end once every completion added so far is written. */
	void close() {
		this.closed = true;
	}

	@Override
	public void run() {
		List<Completion> batch = new ArrayList<>();
		int errorStreak = 0;
		while (true) {
			try {
				if (batch.isEmpty()) {
					boolean closing = this.closed;
					Completion next = this.completions.poll(100, TimeUnit.MILLISECONDS);
					if (next == null) {
						if (closing) {
							return;
						}
						continue;
					}
					batch.add(next);
				}
				this.completions.drainTo(batch, 10 * this.batchSize);
				record(batch);
				batch.clear();
				errorStreak = 0;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				errorStreak++;
				long backoff = WorkerErrors.backoff(errorStreak);
				this.errors.report(null, "record " + batch.size() + " outcomes", errorStreak, ex, backoff);
				if (this.closed && errorStreak > GIVE_UP_AFTER_CLOSE) {
					logger.warn("Giving up on {} outcomes at shutdown; those jobs will be delivered again when their "
							+ "lease runs out", batch.size() + this.completions.size());
					return;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
			}
		}
	}

	/** Writes a batch; on error the caller tries the whole batch again. */
	private void record(List<Completion> batch) {
		Map<TopicLane, List<Completion>> byLane = new LinkedHashMap<>();
		for (Completion completion : batch) {
			byLane.computeIfAbsent(completion.lane(), (k) -> new ArrayList<>()).add(completion);
		}
		for (Map.Entry<TopicLane, List<Completion>> entry : byLane.entrySet()) {
			TopicLane lane = entry.getKey();
			List<Completion.Succeeded> successes = new ArrayList<>();
			List<Completion> others = new ArrayList<>();
			for (Completion completion : entry.getValue()) {
				if (completion instanceof Completion.Succeeded succeeded) {
					successes.add(succeeded);
				}
				else {
					others.add(completion);
				}
			}
			for (List<Completion.Succeeded> chunk : chunks(successes)) {
				Set<String> stale = Set.copyOf(
						this.store.complete(lane.topic, chunk.stream().map((c) -> c.claimed().lease()).toList()));
				for (Completion.Succeeded c : chunk) {
					done(lane, c);
					if (!stale.contains(c.claimed().job().id())) {
						this.listener.onSucceeded(c.claimed().job(), c.took());
					}
				}
			}
			for (List<Completion> chunk : chunks(others)) {
				Set<String> stale = Set.copyOf(this.store.fail(lane.topic, lane.lane,
						chunk.stream().map(OutcomeRecorder::outcome).toList(), this.clock.millis()));
				for (Completion c : chunk) {
					done(lane, c);
					if (!stale.contains(c.claimed().job().id()) && c instanceof Completion.Failed failed) {
						announce(failed);
					}
				}
			}
		}
	}

	private static Outcome outcome(Completion completion) {
		if (completion instanceof Completion.Failed failed) {
			return failed.outcome();
		}
		if (completion instanceof Completion.Released released) {
			return released.outcome();
		}
		throw new IllegalArgumentException("Not a failure: " + completion);
	}

	private void announce(Completion.Failed failed) {
		DelayedJob job = failed.claimed().job();
		Throwable cause = failed.cause();
		if (failed.outcome() instanceof Outcome.Dead dead) {
			this.listener.onDead(job, dead.error(), cause);
		}
		else if (failed.outcome() instanceof Outcome.Retry retry && cause != null) {
			this.listener.onRetryScheduled(job, Instant.ofEpochMilli(retry.dueAt()), cause);
		}
	}

	private static void done(TopicLane lane, Completion completion) {
		Lease lease = completion.claimed().lease();
		lane.leases.remove(lease.id(), lease.token());
	}

	private <T> List<List<T>> chunks(List<T> items) {
		List<List<T>> chunks = new ArrayList<>();
		for (int i = 0; i < items.size(); i += this.batchSize) {
			chunks.add(items.subList(i, Math.min(items.size(), i + this.batchSize)));
		}
		return chunks;
	}

}
