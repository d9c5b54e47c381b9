package dev.delayqueue.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobState;
import dev.delayqueue.TopicStats;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.OutboxRelayer;
import dev.delayqueue.store.TopicSnapshot;
import dev.delayqueue.worker.JobWorker;

/**
 * Moves delayqueue's time in a test and waits for the deliveries it makes due: "create an order, advance 30 minutes,
 * assert it was cancelled". The bean {@link AutoConfigureDelayQueueTestKit} adds to a {@code @SpringBootTest}.
 * <p>
 * <b>Idle</b> means: no job of a topic this application delivers is in flight, and none is due by the virtual clock
 * (jobs of topics without a handler here, and callback jobs when this application delivers no callbacks, are left
 * out: nothing here would ever deliver them). A job that failed and waits for its retry is pending with a later
 * due time: idle, until the clock is moved past it.
 * <p>
 * Threads: call it from the test's thread.
 *
 * @since 0.1.0
 */
public class DelayQueueTestKit {

	/** How long {@link #advance(Duration)} and {@link #awaitIdle()} wait for the handlers. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final VirtualClock clock;

	private final DelayQueue queue;

	private final JobStore store;

	private final @Nullable JobWorker worker;

	private final boolean deliversCallbacks;

	private volatile @Nullable OutboxRelayer outbox;

	/**
	 * Creates a kit.
	 * @param clock the clock delayqueue reads
	 * @param queue the application's queue
	 * @param store the store behind it
	 * @param worker the worker, or {@code null} when this application delivers nothing
	 * @param deliversCallbacks whether the worker delivers callback jobs
	 */
	public DelayQueueTestKit(VirtualClock clock, DelayQueue queue, JobStore store, @Nullable JobWorker worker,
			boolean deliversCallbacks) {
		this.clock = clock;
		this.queue = queue;
		this.store = store;
		this.worker = worker;
		this.deliversCallbacks = deliversCallbacks;
	}

	/**
	 * Sets the outbox relay whose rows {@link #awaitIdle()} and {@link #advance} relay first, so that a job scheduled
	 * in a committed transaction is in Redis before time moves.
	 * @param outbox the relay, or {@code null} without an outbox
	 */
	public void setOutbox(@Nullable OutboxRelayer outbox) {
		this.outbox = outbox;
	}

	/**
	 * Returns the clock delayqueue reads.
	 * @return the virtual clock
	 */
	public VirtualClock clock() {
		return this.clock;
	}

	/**
	 * Returns delayqueue's now: real time plus how far the test moved it.
	 * @return the instant
	 */
	public Instant now() {
		return this.clock.instant();
	}

	/**
	 * Waits for the handlers running now, moves the clock forward, and returns once every job due by then has been
	 * delivered (and every job those deliveries scheduled due by then too), within {@link #DEFAULT_TIMEOUT}.
	 * @param by how far; zero or more
	 * @throws IllegalArgumentException if {@code by} is negative
	 * @throws AssertionError if delayqueue is not idle within the timeout, naming what it still has
	 */
	public void advance(Duration by) {
		if (by.isNegative()) {
			throw new IllegalArgumentException("by must not be negative (time only moves forward), was " + by);
		}
		// a running handler's lease was taken on the old time: moving past it would deliver that job again
		awaitIdle();
		this.clock.advance(by);
		if (this.worker != null) {
			this.worker.wakeAll();
		}
		awaitIdle();
	}

	/**
	 * Waits until delayqueue is idle, within {@link #DEFAULT_TIMEOUT}.
	 * @throws AssertionError if it is not, naming what it still has
	 */
	public void awaitIdle() {
		awaitIdle(DEFAULT_TIMEOUT);
	}

	/**
	 * Waits until delayqueue is idle: nothing in flight, nothing due, for the topics this application delivers.
	 * @param timeout how long to wait
	 * @throws AssertionError if it is not idle within the timeout, naming what it still has
	 */
	public void awaitIdle(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		if (this.worker != null) {
			// no lane waiting out a back-off (its context was paused by the test context cache, say)
			this.worker.wakeAll();
		}
		while (true) {
			List<String> busy = busy();
			if (busy.isEmpty()) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("delayqueue is not idle after " + timeout + " (virtual now " + now() + "): "
						+ String.join("; ", busy));
			}
			sleep(2);
		}
	}

	/** The outbox's rows not relayed yet (another instance may hold them), 0 without an outbox. */
	private long outboxBacklog() {
		OutboxRelayer relay = this.outbox;
		return (relay != null) ? relay.backlog() : 0;
	}

	/** Relays the outbox's rows, if there is an outbox; returns how many. */
	private int relayOutbox() {
		OutboxRelayer relay = this.outbox;
		if (relay == null) {
			return 0;
		}
		try {
			return relay.relayAll();
		}
		catch (Exception ex) {
			throw new AssertionError("delayqueue's outbox could not be relayed: " + ex, ex);
		}
	}

	/**
	 * Returns a job as Redis has it now.
	 * @param topic the topic
	 * @param id the id
	 * @return the job, or empty when there is none (never scheduled, delivered, cancelled or purged)
	 */
	public Optional<DelayedJob> job(String topic, String id) {
		return this.queue.get(topic, id);
	}

	/**
	 * Returns whether a job waits to be delivered (scheduled, or failed and waiting for its retry).
	 * @param topic the topic
	 * @param id the id
	 * @return whether it is pending
	 */
	public boolean isPending(String topic, String id) {
		return job(topic, id).map((job) -> job.state() == JobState.PENDING).orElse(false);
	}

	/**
	 * Returns the dead jobs of a topic, the first thousand.
	 * @param topic the topic
	 * @return the dead jobs, last error included
	 */
	public List<DelayedJob> dead(String topic) {
		return this.queue.deadJobs(topic, 0, 1_000);
	}

	/**
	 * Returns the counts of a topic.
	 * @param topic the topic
	 * @return pending, in flight and dead
	 */
	public TopicStats stats(String topic) {
		return this.queue.stats(topic);
	}

	/** What keeps delayqueue from being idle, one entry per topic; empty when idle. */
	private List<String> busy() {
		// the topics are read one after another: a delivery that ends meanwhile may have scheduled a job due now in a
		// topic already read and be settled before its own topic is read, and a claim may move a job from due to in
		// flight between the two reads of its topic; then neither shows, so a look during either counts as busy
		long activity = (this.worker != null) ? this.worker.activity() : 0;
		boolean claiming = this.worker != null && this.worker.isClaiming();
		List<String> busy = new ArrayList<>();
		// the outbox first: a row relayed after the topics were read would be a job due that the look missed
		if (relayOutbox() > 0) {
			busy.add("outbox rows relayed just now");
		}
		long backlog = outboxBacklog();
		if (backlog > 0) {
			busy.add("outbox: " + backlog + " rows not relayed");
		}
		Instant now = now();
		Set<String> local = (this.worker != null) ? this.worker.topics() : Set.of();
		Set<String> topics = new LinkedHashSet<>(local);
		if (this.worker != null && this.deliversCallbacks) {
			topics.addAll(this.queue.topics());
		}
		for (String topic : topics) {
			TopicSnapshot snapshot = this.store.snapshot(topic);
			Instant localDue = local.contains(topic) ? snapshot.oldestLocalDue() : null;
			Instant httpDue = this.deliversCallbacks ? snapshot.oldestHttpDue() : null;
			boolean due = (localDue != null && !localDue.isAfter(now)) || (httpDue != null && !httpDue.isAfter(now));
			if (snapshot.stats().inFlight() > 0 || due) {
				busy.add("topic '" + topic + "': " + snapshot.stats().inFlight() + " in flight"
						+ (due ? ", jobs due since " + ((localDue != null && !localDue.isAfter(now)) ? localDue : httpDue)
								: ""));
			}
		}
		if (claiming || (this.worker != null && this.worker.activity() != activity)) {
			busy.add("the worker claimed or ended deliveries while looking");
		}
		return busy;
	}

	private static void sleep(long millis) {
		try {
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for delayqueue", ex);
		}
	}

}
