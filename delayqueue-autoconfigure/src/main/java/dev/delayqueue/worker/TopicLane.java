package dev.delayqueue.worker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.store.Lane;
import dev.delayqueue.store.Lease;

/**
 * One topic lane as this instance works it: its handler and settings, its handler threads (none for an
 * {@link AsyncJobHandler}), the jobs it holds and what it knows of the lane's next due time.
 * <p>
 * Threads: the final fields are set at construction. The claim loop (dispatcher thread) is the only writer of
 * {@link #nextLeaseEnd}, {@link #backoffUntil} and {@link #errorStreak}. {@link #nextDue} is written by the claim
 * loop after each claim and lowered by the threads that deliver wake-ups (two racing wake-ups may leave the later
 * one's value: {@link #announced}, an atomic minimum the claim loop also reads, keeps the earliest);
 * {@link #lastClaim} is written by the claim loop and reset to 0 by the wake source's resubscribing thread.
 * {@link #busy} is raised by the claim loop and lowered by whichever thread ends a delivery; {@link #leases} gets
 * entries from the claim loop and loses them on the outcome recorder's thread, and the lease keeper reads it;
 * {@link #running} is written by the claim loop and by the threads completing asynchronous deliveries;
 * {@link #lastExtended} belongs to the lease keeper.
 */
final class TopicLane {

	final String topic;

	final Lane lane;

	final @Nullable JobHandler handler;

	final @Nullable AsyncJobHandler asyncHandler;

	final TopicSettings settings;

	final String description;

	final @Nullable ThreadPoolExecutor executor;

	/** Deliveries of an {@link AsyncJobHandler} still running, by lease token. */
	final Map<String, CompletableFuture<?>> running = new ConcurrentHashMap<>();

	/** Jobs claimed whose delivery has not ended (running or waiting for a thread). */
	final AtomicInteger busy = new AtomicInteger();

	/** Leases held until the outcome is recorded: kept alive by the lease keeper. Id to token. */
	final Map<String, String> leases = new ConcurrentHashMap<>();

	/**
	 * Earliest due time announced since the running claim started (epoch ms), {@link Long#MAX_VALUE} when none: a
	 * wake-up that arrives while a claim runs must not be overwritten by that claim's older view.
	 */
	final AtomicLong announced = new AtomicLong(Long.MAX_VALUE);

	/** Earliest known due time (epoch ms) of a pending job; {@link Long#MAX_VALUE} when none. */
	volatile long nextDue;

	/** Earliest known lease end (epoch ms) among jobs in flight; {@link Long#MAX_VALUE} when none. */
	volatile long nextLeaseEnd = Long.MAX_VALUE;

	/** When the last claim ran (epoch ms); 0 asks for a claim at once. */
	volatile long lastClaim;

	/** No claim before this time (epoch ms), after a store error. */
	long backoffUntil;

	/** Store errors in a row. */
	int errorStreak;

	/** When the lease keeper last extended this lane's leases ({@link System#nanoTime()}); lease keeper only. */
	long lastExtended = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

	TopicLane(String topic, Lane lane, @Nullable JobHandler handler, @Nullable AsyncJobHandler asyncHandler,
			TopicSettings settings, String description) {
		this.topic = topic;
		this.lane = lane;
		this.handler = handler;
		this.asyncHandler = asyncHandler;
		this.settings = settings;
		this.description = description;
		this.executor = (handler != null) ? threadPool(topic, settings) : null;
	}

	static TopicLane local(String topic, JobHandler handler, TopicSettings settings, String description) {
		return new TopicLane(topic, Lane.LOCAL, handler, null, settings, description);
	}

	static TopicLane callbacks(String topic, AsyncJobHandler handler, TopicSettings settings) {
		return new TopicLane(topic, Lane.HTTP, null, handler, settings, "HTTP callbacks of topic '" + topic + "'");
	}

	private static ThreadPoolExecutor threadPool(String topic, TopicSettings settings) {
		AtomicInteger threads = new AtomicInteger();
		return new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "delayqueue-" + topic + "-" + threads.incrementAndGet());
					thread.setDaemon(false);
					return thread;
				});
	}

	int capacity() {
		return this.settings.concurrency() + this.settings.prefetch();
	}

	int free() {
		return capacity() - this.busy.get();
	}

	/** Earliest moment there may be work for a claim: the next due time, announced due time or lease end. */
	long nextWork() {
		return Math.min(Math.min(this.nextDue, this.announced.get()), this.nextLeaseEnd);
	}

	/** Called on the wake-up listener's thread when a job became the earliest of this lane. */
	boolean announce(long due) {
		this.announced.accumulateAndGet(due, Math::min);
		if (due < this.nextDue) {
			this.nextDue = due;
			return true;
		}
		return false;
	}

	List<Lease> heldLeases() {
		return this.leases.entrySet().stream().map((e) -> new Lease(e.getKey(), e.getValue())).toList();
	}

}
