package dev.delayqueue.worker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.redis.Lane;
import dev.delayqueue.redis.Lease;

/**
 * One topic lane's share of a {@link JobWorker}: its handler and settings, its handler threads (none for an
 * {@link AsyncJobHandler}), the jobs it holds and what it knows of the lane's next due time.
 */
final class TopicWorker {

	final String topic;

	final Lane lane;

	final @Nullable JobHandler handler;

	final @Nullable AsyncJobHandler asyncHandler;

	final TopicSettings settings;

	final String description;

	final @Nullable ThreadPoolExecutor executor;

	/** Deliveries of an {@link AsyncJobHandler} still running, by lease token. */
	final Map<String, CompletableFuture<?>> running = new ConcurrentHashMap<>();

	/** Jobs claimed whose handler has not finished (running or waiting for a thread). */
	final AtomicInteger busy = new AtomicInteger();

	/** Leases held until the outcome is recorded in Redis: kept alive by the heartbeat. */
	final Map<String, String> leases = new ConcurrentHashMap<>();

	/** Earliest known due time (epoch ms) of a pending job; Long.MAX_VALUE when none. */
	volatile long nextDue;

	/** Earliest known lease end (epoch ms) among jobs in flight; Long.MAX_VALUE when none. */
	volatile long nextLeaseEnd = Long.MAX_VALUE;

	/** When the last claim ran (epoch ms). */
	volatile long lastClaim;

	/** No claim before this time (epoch ms), after a Redis error. */
	long backoffUntil;

	int errorStreak;

	TopicWorker(String topic, Lane lane, @Nullable JobHandler handler, @Nullable AsyncJobHandler asyncHandler,
			TopicSettings settings, String description) {
		this.topic = topic;
		this.lane = lane;
		this.handler = handler;
		this.asyncHandler = asyncHandler;
		this.settings = settings;
		this.description = description;
		this.executor = (handler != null) ? threadPool(topic, settings) : null;
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

	/** Earliest moment there may be work for a claim: the next due time or lease end. */
	long nextWork() {
		return Math.min(this.nextDue, this.nextLeaseEnd);
	}

	List<Lease> heldLeases() {
		return this.leases.entrySet().stream().map((e) -> new Lease(e.getKey(), e.getValue())).toList();
	}

}
