package dev.delayqueue.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobState;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.event.DeliveryOutcome;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Occurrence;
import dev.delayqueue.store.Outcome;
import dev.delayqueue.store.Recurred;
import dev.delayqueue.store.RecurringDefinition;
import dev.delayqueue.store.StoredJob;
import dev.delayqueue.store.TopicPartition;

/**
 * The recorder thread: collects the outcomes of deliveries by partition and has them written to the store in
 * batches on the store threads, at most one write per partition at a time (successes delete their jobs, failures
 * and releases make them pending again or dead), then frees their leases and tells the listener. A partition whose
 * Redis node is slow or gone holds up only its own outcomes. A store error keeps the partition's batch and tries
 * it again after a back-off (the writes are idempotent under their lease tokens). After {@link #close()} it writes
 * what it holds and ends, giving up on a partition after a few failures in a row: those jobs are delivered again
 * when their lease runs out.
 * <p>
 * Threads: {@link #add} from any thread; {@link #run()} on the recorder thread, which alone touches the groups'
 * pending lists; a batch being written belongs to its store thread until it clears {@link Group#writing}.
 */
final class OutcomeRecorder implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(JobWorker.class);

	private static final int GIVE_UP_AFTER_CLOSE = 3;

	private final JobStore store;

	private final DelayQueueListener listener;

	private final WorkerErrors errors;

	private final Clock clock;

	private final int batchSize;

	private final Executor storeThreads;

	private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

	private final Map<GroupKey, Group> groups = new LinkedHashMap<>();

	private volatile boolean closed;

	OutcomeRecorder(JobStore store, DelayQueueListener listener, WorkerErrors errors, Clock clock, int batchSize,
			Executor storeThreads) {
		this.store = store;
		this.listener = listener;
		this.errors = errors;
		this.clock = clock;
		this.batchSize = batchSize;
		this.storeThreads = storeThreads;
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
		List<Completion> arrived = new ArrayList<>();
		while (true) {
			boolean closing = this.closed;
			boolean busy = false;
			for (Iterator<Group> it = this.groups.values().iterator(); it.hasNext();) {
				Group group = it.next();
				busy |= startWrite(group, closing);
				// writing read first: a failed write hands its batch back (failed) before it clears writing
				if (!group.writing && group.failed == null && group.pending.isEmpty()) {
					it.remove();
				}
			}
			if (closing && this.groups.isEmpty() && this.completions.isEmpty()) {
				return;
			}
			try {
				Completion next = this.completions.poll(busy ? 5 : 100, TimeUnit.MILLISECONDS);
				if (next != null) {
					arrived.add(next);
					this.completions.drainTo(arrived);
					for (Completion completion : arrived) {
						GroupKey key = new GroupKey(completion.lane(), completion.claimed().partition());
						this.groups.computeIfAbsent(key, Group::new).pending.add(completion);
					}
					arrived.clear();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Hands the group's next batch to a store thread unless one is being written or it backs off; returns whether
	 * the group still has work (so the recorder looks again soon).
	 */
	private boolean startWrite(Group group, boolean closing) {
		if (group.writing) {
			return true;
		}
		List<Completion> failed = group.failed;
		if (failed != null) {
			group.failed = null;
			group.pending.addAll(0, failed);
			if (closing && group.errorStreak > GIVE_UP_AFTER_CLOSE) {
				logger.warn("Giving up on {} outcomes of {} at shutdown; those jobs will be delivered again when their "
						+ "lease runs out", group.pending.size(), group.key.partition());
				group.pending.clear();
				return false;
			}
		}
		if (group.pending.isEmpty()) {
			return false;
		}
		if (this.clock.millis() < group.backoffUntil) {
			return true;
		}
		List<Completion> batch = new ArrayList<>(group.pending.subList(0,
				Math.min(group.pending.size(), 10 * this.batchSize)));
		group.pending.subList(0, batch.size()).clear();
		group.writing = true;
		try {
			this.storeThreads.execute(() -> write(group, batch));
		}
		catch (RejectedExecutionException ex) {
			// the store threads are gone (shutdown): written on this thread instead
			write(group, batch);
		}
		return true;
	}

	/** Runs on a store thread; on error the group's batch goes back to the recorder to be tried again. */
	private void write(Group group, List<Completion> batch) {
		try {
			record(group.key, batch);
			group.errorStreak = 0;
		}
		catch (RuntimeException ex) {
			int streak = group.errorStreak + 1;
			group.errorStreak = streak;
			long backoff = WorkerErrors.backoff(streak);
			group.backoffUntil = this.clock.millis() + backoff;
			this.errors.report(group.key.lane().topic,
					"record " + batch.size() + " outcomes of " + group.key.partition(), streak, ex, backoff);
			group.failed = batch;
		}
		finally {
			group.writing = false;
		}
	}

	/** Writes a batch of one partition; on error the caller tries the whole batch again. */
	private void record(GroupKey key, List<Completion> batch) {
		TopicLane lane = key.lane();
		List<Completion.Succeeded> successes = new ArrayList<>();
		List<Completion> others = new ArrayList<>();
		List<Completion> recurring = new ArrayList<>();
		for (Completion completion : batch) {
			if (endsOccurrence(completion)) {
				recurring.add(completion);
			}
			else if (completion instanceof Completion.Succeeded succeeded) {
				successes.add(succeeded);
			}
			else {
				others.add(completion);
			}
		}
		for (List<Completion.Succeeded> chunk : chunks(successes)) {
			Set<String> stale = Set.copyOf(
					this.store.complete(key.partition(), chunk.stream().map((c) -> c.claimed().lease()).toList()));
			for (Completion.Succeeded c : chunk) {
				done(lane, c);
				if (!stale.contains(c.claimed().job().id())) {
					this.listener.onSucceeded(c.claimed().job(), c.took());
					this.listener.onDeliveryEnded(c.claimed().job(), DeliveryOutcome.SUCCESS, c.took());
				}
			}
		}
		for (List<Completion> chunk : chunks(others)) {
			Set<String> stale = Set.copyOf(this.store.fail(key.partition(), lane.lane,
					chunk.stream().map(OutcomeRecorder::outcome).toList(), this.clock.millis()));
			for (Completion c : chunk) {
				done(lane, c);
				if (stale.contains(c.claimed().job().id())) {
					continue;
				}
				if (c instanceof Completion.Failed failed) {
					announce(failed);
				}
				else if (c instanceof Completion.Released released) {
					this.listener.onDeliveryEnded(released.claimed().job(), DeliveryOutcome.RELEASED, released.took());
				}
			}
		}
		// last: the definitions live on a node of their own, whose failure must not hold up the other outcomes
		if (!recurring.isEmpty()) {
			recur(key, recurring);
		}
	}

	/**
	 * Whether a completion ends an occurrence of a recurring job (it succeeded, was skipped or died), so that its next
	 * occurrence is stored with it; a retry or a release keeps the occurrence.
	 */
	private static boolean endsOccurrence(Completion completion) {
		if (completion.claimed().occurrence() == null) {
			return false;
		}
		return completion instanceof Completion.Succeeded || completion instanceof Completion.Skipped
				|| (completion instanceof Completion.Failed failed && failed.outcome() instanceof Outcome.Dead);
	}

	/**
	 * Ends occurrences of recurring jobs, each with its next occurrence planned from its schedule's definition as
	 * stored now (none when the schedule was removed), in one atomic step each.
	 */
	private void recur(GroupKey key, List<Completion> completions) {
		TopicLane lane = key.lane();
		Set<String> names = new LinkedHashSet<>();
		completions.forEach((c) -> names.add(c.claimed().occurrence().schedule()));
		Map<String, String> definitions = this.store.recurringDefinitions(names);
		long now = this.clock.millis();
		List<Recurred> outcomes = new ArrayList<>(completions.size());
		for (Completion completion : completions) {
			ClaimedJob claimed = completion.claimed();
			Occurrence occurrence = claimed.occurrence();
			RecurringDefinition definition = RecurringDefinition.readable(occurrence.schedule(),
					definitions.get(occurrence.schedule()));
			Occurrence next = null;
			StoredJob nextJob = null;
			if (definition != null && definition.topic().equals(claimed.partition().topic())) {
				Instant at = definition.times().next(Instant.ofEpochMilli(occurrence.at()), Instant.ofEpochMilli(now));
				next = definition.occurrence(at);
				nextJob = definition.job(at);
			}
			else {
				logger.info("Recurring job '{}' is no longer scheduled on topic '{}': its occurrence of {} ends "
						+ "without a next one", occurrence.schedule(), claimed.partition().topic(),
						Instant.ofEpochMilli(occurrence.at()));
			}
			String deadError = null;
			boolean countAttempt = true;
			if (completion instanceof Completion.Failed failed && failed.outcome() instanceof Outcome.Dead dead) {
				deadError = dead.error();
				countAttempt = dead.countAttempt();
			}
			else if (completion instanceof Completion.Skipped skipped) {
				logger.info("Skipped occurrence {} of recurring job '{}': {} ms late, after downtime; next at {}",
						Instant.ofEpochMilli(occurrence.at()), occurrence.schedule(), skipped.late().toMillis(),
						(next != null) ? Instant.ofEpochMilli(next.at()) : "none");
			}
			outcomes.add(new Recurred(claimed.lease(), occurrence, deadError, countAttempt, next, nextJob));
		}
		for (int from = 0; from < outcomes.size(); from += this.batchSize) {
			int to = Math.min(outcomes.size(), from + this.batchSize);
			Set<String> stale = Set.copyOf(this.store.recur(key.partition(), outcomes.subList(from, to), now));
			for (Completion c : completions.subList(from, to)) {
				done(lane, c);
				if (stale.contains(c.claimed().job().id())) {
					continue;
				}
				if (c instanceof Completion.Succeeded succeeded) {
					this.listener.onSucceeded(c.claimed().job(), succeeded.took());
					this.listener.onDeliveryEnded(c.claimed().job(), DeliveryOutcome.SUCCESS, succeeded.took());
				}
				else if (c instanceof Completion.Skipped) {
					this.listener.onDeliveryEnded(c.claimed().job(), DeliveryOutcome.SKIPPED, Duration.ZERO);
				}
				else if (c instanceof Completion.Failed failed && failed.outcome() instanceof Outcome.Dead dead) {
					// the dead job is the occurrence's copy: listeners get the id to redrive or purge
					DelayedJob job = failed.claimed().job();
					DelayedJob copy = new DelayedJob(job.topic(), c.claimed().occurrence().deadId(), JobState.DEAD,
							job.body(), job.dueAt(), job.attempts(), job.maxAttempts(), job.createdAt(),
							Instant.ofEpochMilli(now), dead.error(), job.callback(), job.backoff(), job.occurrence());
					this.listener.onDead(copy, dead.error(), failed.cause());
					this.listener.onDeliveryEnded(copy, DeliveryOutcome.DEAD, failed.took());
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
			this.listener.onDeliveryEnded(job, DeliveryOutcome.DEAD, failed.took());
		}
		else if (failed.outcome() instanceof Outcome.Retry retry) {
			if (cause != null) {
				this.listener.onRetryScheduled(job, Instant.ofEpochMilli(retry.dueAt()), cause);
			}
			this.listener.onDeliveryEnded(job, DeliveryOutcome.RETRY, failed.took());
		}
	}

	private static void done(TopicLane lane, Completion completion) {
		lane.leases.remove(completion.claimed().job().id(), completion.claimed());
	}

	private <T> List<List<T>> chunks(List<T> items) {
		List<List<T>> chunks = new ArrayList<>();
		for (int i = 0; i < items.size(); i += this.batchSize) {
			chunks.add(items.subList(i, Math.min(items.size(), i + this.batchSize)));
		}
		return chunks;
	}

	/** The outcomes of one partition of a lane: written in order, one batch at a time. */
	private record GroupKey(TopicLane lane, TopicPartition partition) {
	}

	private static final class Group {

		final GroupKey key;

		/** Waiting to be written; recorder thread only. */
		final List<Completion> pending = new ArrayList<>();

		/** A batch is being written on a store thread. */
		volatile boolean writing;

		/** A batch whose write failed, handed back by the store thread for the recorder to try again. */
		volatile @Nullable List<Completion> failed;

		volatile long backoffUntil;

		volatile int errorStreak;

		Group(GroupKey key) {
			this.key = key;
		}

	}

}
