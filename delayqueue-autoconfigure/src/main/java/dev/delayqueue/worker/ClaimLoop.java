package dev.delayqueue.worker;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
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
 * The dispatcher thread: sleeps until the earliest known due time (or lease end) among the lanes, is woken early by
 * {@link #wake()}, and claims due jobs of each lane in batches, only as many as the lane has room for, handing each
 * to the {@link HandlerInvoker}. {@link WorkerSettings#pollInterval()} bounds every sleep as a safety net under the
 * wake-ups. A store error backs the lane off and never stops the loop.
 * <p>
 * Threads: {@link #run()} is the dispatcher thread, the only one that claims; {@link #wake()} and {@link #stop()}
 * may be called from any thread. {@link #wakeups} counts wake-ups so none is lost between a pass and its sleep.
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

	private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

	/** Claim calls made; part of every lease token. Dispatcher thread only. */
	private long claims;

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
	 */
	ClaimLoop(JobStore store, List<TopicLane> lanes, HandlerInvoker invoker, DelayQueueListener listener,
			WorkerErrors errors, Clock clock, WorkerSettings settings, LongConsumer beforePass) {
		this.store = store;
		this.lanes = lanes;
		this.invoker = invoker;
		this.listener = listener;
		this.errors = errors;
		this.clock = clock;
		this.settings = settings;
		this.beforePass = beforePass;
	}

	/** Makes a sleeping loop pass again at once. */
	void wake() {
		this.wakeups.incrementAndGet();
		Thread dispatcher = this.thread;
		if (dispatcher != null) {
			LockSupport.unpark(dispatcher);
		}
	}

	/** Ends the loop after the claim in progress, if any. */
	void stop() {
		this.running = false;
		wake();
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
				if (!this.running) {
					return;
				}
				if (lane.free() > 0 && now >= lane.backoffUntil
						&& (lane.nextWork() <= now || now - lane.lastClaim >= poll)) {
					claim(lane, now);
					now = this.clock.millis();
				}
				if (lane.free() > 0) {
					long next = Math.min(lane.nextWork(), lane.lastClaim + poll);
					wakeAt = Math.min(wakeAt, Math.max(next, lane.backoffUntil));
				}
			}
			long sleepMillis = wakeAt - this.clock.millis();
			if (sleepMillis > 0 && this.wakeups.get() == seen) {
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(sleepMillis));
			}
		}
	}

	private void claim(TopicLane lane, long now) {
		lane.lastClaim = now;
		lane.announced.set(Long.MAX_VALUE);
		ClaimResult result;
		try {
			result = this.store.claim(lane.topic, lane.lane, now, Math.min(this.settings.batchSize(), lane.free()),
					lane.settings.lease().toMillis(), this.instanceId + "-" + (++this.claims));
		}
		catch (RuntimeException ex) {
			lane.errorStreak++;
			long backoff = WorkerErrors.backoff(lane.errorStreak);
			lane.backoffUntil = now + backoff;
			this.errors.report(lane.topic, "claim jobs", lane.errorStreak, ex, backoff);
			return;
		}
		if (lane.errorStreak > 0) {
			logger.info("delayqueue worker for topic '{}' reached Redis again after {} failed claims", lane.topic,
					lane.errorStreak);
			lane.errorStreak = 0;
		}
		lane.nextDue = Math.min(result.nextDue().orElse(Long.MAX_VALUE), lane.announced.get());
		lane.nextLeaseEnd = result.nextLeaseEnd().orElse(Long.MAX_VALUE);
		for (String id : result.expired()) {
			this.listener.onLeaseExpired(lane.topic, id);
		}
		for (ClaimedJob claimed : result.jobs()) {
			lane.leases.put(claimed.job().id(), claimed.token());
			lane.busy.incrementAndGet();
			this.invoker.start(lane, claimed);
		}
	}

}
