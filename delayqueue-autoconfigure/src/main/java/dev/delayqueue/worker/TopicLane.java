package dev.delayqueue.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.Lease;
import dev.delayqueue.store.TopicPartition;

/**
 * One topic lane as this instance works it: its handler and settings, its handler threads (none for an
 * {@link AsyncJobHandler}), the jobs it holds, and its {@link LanePartition partitions}, each claimed on its own.
 * The lane's capacity ({@code concurrency + prefetch}) is shared by its partitions.
 * <p>
 * Threads: the final fields are set at construction. {@link #partitions} is replaced whole by whichever thread
 * learns of more partitions ({@link #partitionsUpTo}, synchronized). {@link #busy} is raised by the claim loop
 * (a claim's limit, reserved before the claim runs), lowered by the store thread that ran the claim (what it did
 * not claim) and by whichever thread ends a delivery; {@link #leases} gets entries from the store thread that ran
 * the claim and loses them on the thread that recorded the outcome, and the lease keeper reads it;
 * {@link #running} is written by the claiming thread and by the threads completing asynchronous deliveries;
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

	/** Jobs claimed (or being claimed) whose delivery has not ended (running or waiting for a thread). */
	final AtomicInteger busy = new AtomicInteger();

	/** Claims held until the outcome is recorded: kept alive by the lease keeper. By job id. */
	final Map<String, ClaimedJob> leases = new ConcurrentHashMap<>();

	/** The partitions claimed from, partition 0 first; never empty. */
	volatile List<LanePartition> partitions;

	/** Where the next pass of the claim loop starts in {@link #partitions}, so each gets its turn first. */
	int rotation;

	/** When the lease keeper last extended this lane's leases ({@link System#nanoTime()}); lease keeper only. */
	long lastExtended = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

	TopicLane(String topic, Lane lane, @Nullable JobHandler handler, @Nullable AsyncJobHandler asyncHandler,
			TopicSettings settings, String description) {
		this(topic, lane, handler, asyncHandler, settings, description, HandlerThreads.PLATFORM);
	}

	TopicLane(String topic, Lane lane, @Nullable JobHandler handler, @Nullable AsyncJobHandler asyncHandler,
			TopicSettings settings, String description, HandlerThreads threads) {
		this.topic = topic;
		this.lane = lane;
		this.handler = handler;
		this.asyncHandler = asyncHandler;
		this.settings = settings;
		this.description = description;
		this.executor = (handler != null) ? threadPool(topic, settings, threads) : null;
		this.partitions = List.of(new LanePartition(this, TopicPartition.first(topic)));
	}

	static TopicLane local(String topic, JobHandler handler, TopicSettings settings, String description,
			HandlerThreads threads) {
		return new TopicLane(topic, Lane.LOCAL, handler, null, settings, description, threads);
	}

	static TopicLane callbacks(String topic, AsyncJobHandler handler, TopicSettings settings) {
		return new TopicLane(topic, Lane.HTTP, null, handler, settings, "HTTP callbacks of topic '" + topic + "'");
	}

	private static ThreadPoolExecutor threadPool(String topic, TopicSettings settings, HandlerThreads threads) {
		return new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), threads.threadFactory(topic));
	}

	int capacity() {
		return this.settings.concurrency() + this.settings.prefetch();
	}

	int free() {
		return capacity() - this.busy.get();
	}

	/**
	 * The room one of several partitions claiming at once may take: the free room split evenly, rounded up.
	 * @param claimers how many partitions claim at once, at least 1
	 */
	int share(int claimers) {
		return (free() + claimers - 1) / claimers;
	}

	/**
	 * Makes sure the lane claims from the given number of partitions at least; partitions are never dropped (a
	 * partition count that went down still holds jobs).
	 * @param count how many partitions the topic has now
	 * @return the partitions
	 */
	synchronized List<LanePartition> partitionsUpTo(int count) {
		List<LanePartition> current = this.partitions;
		if (count <= current.size()) {
			return current;
		}
		List<LanePartition> more = new ArrayList<>(current);
		for (int p = current.size(); p < count; p++) {
			more.add(new LanePartition(this, new TopicPartition(this.topic, p)));
		}
		this.partitions = List.copyOf(more);
		return this.partitions;
	}

	/** The claims held from one partition. */
	List<Lease> heldLeases(LanePartition partition) {
		List<Lease> held = new ArrayList<>();
		for (ClaimedJob claimed : this.leases.values()) {
			if (claimed.partition().equals(partition.partition)) {
				held.add(claimed.lease());
			}
		}
		return held;
	}

}
