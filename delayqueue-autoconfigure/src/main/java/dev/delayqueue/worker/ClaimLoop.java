package dev.delayqueue.worker;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.store.ClaimResult;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.JobStore;

/**
 * The dispatcher thread: sleeps until the earliest known due time (or lease end) among the lanes' partitions, is
 * woken early by {@link #wake()}, and has due jobs of each partition claimed in batches, only as many as the lane
 * has room for, handing each to the {@link HandlerInvoker}. {@link WorkerSettings#pollInterval()} bounds every sleep
 * as a safety net under the wake-ups. The claims themselves run on the store threads, at most one per partition, so
 * a partition whose Redis node is slow or gone (a master failing over) holds up only its own claims, never another
 * partition's or topic's. A store error backs the partition off and never stops the loop.
 * <p>
 * Threads: {@link #run()} is the dispatcher thread, the only one that starts claims of a partition that is not
 * claiming; each claim runs on a store thread, which goes on claiming that partition while it has jobs due now
 * and room, and wakes the loop when it ends. {@link #wake()} and {@link #stop()} may be called from any thread.
 * {@link #wakeups} counts wake-ups so none is lost between a pass and its sleep.
 */
final class ClaimLoop implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(JobWorker.class);

	private final JobStore store;

	private final List<TopicLane> lanes;

	private final HandlerInvoker invoker;

	private final DelayQueueListener listener;

	private final WorkerErrors errors;

	private final Clock clock;

	private final WorkerSettings settings;

	private final LongConsumer beforePass;

	private final Executor storeThreads;

	private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

	/** Claim calls made; part of every lease token. */
	private final AtomicLong claims = new AtomicLong();

	private final AtomicLong wakeups = new AtomicLong();

	private volatile boolean running = true;

	private volatile @Nullable Thread thread;

	/**
	 * Creates a loop.
	 * @param store the store to claim from
	 * @param lanes the lanes to claim for, read on every pass (a concurrent list others add to)
	 * @param invoker starts each claimed job
	 * @param listener hears expired leases
	 * @param errors backs off and reports store errors
	 * @param clock decides when a job is due
	 * @param settings batch size and poll interval
	 * @param beforePass called at the start of every pass with the current time (discovery of new lanes)
	 * @param storeThreads runs the claims
	 */
	ClaimLoop(JobStore store, List<TopicLane> lanes, HandlerInvoker invoker, DelayQueueListener listener,
			WorkerErrors errors, Clock clock, WorkerSettings settings, LongConsumer beforePass, Executor storeThreads) {
		this.store = store;
		this.lanes = lanes;
		this.invoker = invoker;
		this.listener = listener;
		this.errors = errors;
		this.clock = clock;
		this.settings = settings;
		this.beforePass = beforePass;
		this.storeThreads = storeThreads;
	}

	/** Makes a sleeping loop pass again at once. */
	void wake() {
		this.wakeups.incrementAndGet();
		Thread dispatcher = this.thread;
		if (dispatcher != null) {
			LockSupport.unpark(dispatcher);
		}
	}

	/** Ends the loop; claims already handed to store threads run to their end. */
	void stop() {
		this.running = false;
		wake();
	}

	/** Whether a claim of some partition is still running on a store thread. */
	boolean claiming() {
		for (TopicLane lane : this.lanes) {
			for (LanePartition partition : lane.partitions) {
				if (partition.claiming.get()) {
					return true;
				}
			}
		}
		return false;
	}

	@Override
	public void run() {
		this.thread = Thread.currentThread();
		long poll = this.settings.pollInterval().toMillis();
		while (this.running) {
			long seen = this.wakeups.get();
			long now = this.clock.millis();
			long wakeAt = now + poll;
			this.beforePass.accept(now);
			for (TopicLane lane : this.lanes) {
				List<LanePartition> partitions = lane.partitions;
				int first = Math.floorMod(lane.rotation++, partitions.size());
				List<LanePartition> due = new ArrayList<>(partitions.size());
				for (int i = 0; i < partitions.size(); i++) {
					LanePartition partition = partitions.get((first + i) % partitions.size());
					if (partition.claiming.get()) {
						continue;
					}
					if (now >= partition.backoffUntil
							&& (partition.nextWork() <= now || now - partition.lastClaim >= poll)) {
						due.add(partition);
					}
					else {
						long next = Math.min(partition.nextWork(), partition.lastClaim + poll);
						wakeAt = Math.min(wakeAt, Math.max(next, partition.backoffUntil));
					}
				}
				// the lane's free room is shared by the partitions that claim now, so that one partition whose node
				// is slow or gone cannot hold all of it while its claim waits
				int share = (due.isEmpty()) ? 0 : Math.max(1, lane.share(due.size()));
				for (LanePartition partition : due) {
					if (!this.running) {
						return;
					}
					int room = Math.min(lane.free(), (partition.errorStreak > 0) ? 1 : share);
					if (room > 0) {
						claim(partition, now, room);
					}
				}
			}
			// to the nanosecond: sleeping whole milliseconds from a reading truncated to one wakes up to 1 ms late
			Instant before = this.clock.instant();
			long sleepNanos = TimeUnit.MILLISECONDS.toNanos(wakeAt - before.getEpochSecond() * 1_000)
					- before.getNano();
			if (sleepNanos > 0 && this.wakeups.get() == seen) {
				LockSupport.parkNanos(this, sleepNanos);
			}
		}
	}

	/** How many claims this loop has started, counted before each is sent. */
	long claimsStarted() {
		return this.claims.get();
	}

	/** Reserves room in the lane and hands the claim to a store thread. */
	private void claim(LanePartition partition, long now, int room) {
		TopicLane lane = partition.lane;
		int limit = Math.min(this.settings.batchSize(), room);
		partition.lastClaim = now;
		partition.announced.set(Long.MAX_VALUE);
		partition.claiming.set(true);
		lane.busy.addAndGet(limit);
		String tokenBase = this.instanceId + "-" + this.claims.incrementAndGet();
		try {
			this.storeThreads.execute(() -> runClaim(partition, now, limit, tokenBase));
		}
		catch (RejectedExecutionException ex) {
			lane.busy.addAndGet(-limit);
			partition.claiming.set(false);
		}
	}

	/**
	 * Runs on a store thread: the claim, then, while the partition has more jobs due now and the lane room, the next
	 * claims of the same partition on this thread, without a round through the dispatcher (a busy partition drains
	 * without two thread hand-offs per batch).
	 */
	private void runClaim(LanePartition partition, long now, int limit, String tokenBase) {
		TopicLane lane = partition.lane;
		try {
			boolean more = claimOnce(partition, now, limit, tokenBase);
			while (more && this.running) {
				int room = Math.min(this.settings.batchSize(), lane.share(lane.partitions.size()));
				if (room <= 0) {
					break;
				}
				long at = this.clock.millis();
				partition.lastClaim = at;
				partition.announced.set(Long.MAX_VALUE);
				lane.busy.addAndGet(room);
				more = claimOnce(partition, at, room, this.instanceId + "-" + this.claims.incrementAndGet());
			}
		}
		finally {
			partition.claiming.set(false);
			wake();
		}
	}

	/**
	 * One claim of {@code limit} jobs, whose room is already reserved in the lane; gives back what it did not claim.
	 * Returns whether it claimed jobs and more are due now.
	 */
	private boolean claimOnce(LanePartition partition, long now, int limit, String tokenBase) {
		TopicLane lane = partition.lane;
		int claimed = 0;
		try {
			// a topic's rate is split over the partitions this worker knows of, each with a bucket of its own
			// (a bucket holds a tenth of a second of its rate, at least one delivery)
			double rate = lane.settings.rateLimit() / lane.partitions.size();
			int burst = (int) Math.max(1, Math.ceil(rate / 10));
			ClaimResult result = this.store.claim(partition.partition, lane.lane, now, limit,
					lane.settings.lease().toMillis(), tokenBase, rate, burst);
			if (partition.errorStreak > 0) {
				logger.info("delayqueue worker for {} reached Redis again after {} failed claims", partition,
						partition.errorStreak);
				partition.errorStreak = 0;
			}
			partition.nextDue = Math.min(result.nextDue().orElse(Long.MAX_VALUE), partition.announced.get());
			partition.nextLeaseEnd = result.nextLeaseEnd().orElse(Long.MAX_VALUE);
			for (String id : result.expired()) {
				this.listener.onLeaseExpired(lane.topic, id);
			}
			for (ClaimedJob job : result.jobs()) {
				lane.leases.put(job.job().id(), job);
				claimed++;
				this.invoker.start(lane, job);
			}
			if (result.rateLimitedUntil().isPresent()) {
				// the rate limit's tokens are spent: no claim of this partition before the next one comes
				partition.backoffUntil = result.rateLimitedUntil().getAsLong();
				return false;
			}
			return claimed > 0 && partition.nextWork() <= this.clock.millis();
		}
		catch (RuntimeException ex) {
			partition.errorStreak++;
			long backoff = WorkerErrors.backoff(partition.errorStreak);
			partition.backoffUntil = this.clock.millis() + backoff;
			this.errors.report(lane.topic, "claim jobs of " + partition, partition.errorStreak, ex, backoff);
			return false;
		}
		finally {
			lane.busy.addAndGet(claimed - limit);
		}
	}

}
