package dev.delayqueue.worker;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.delayqueue.store.DaemonThreads;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lease;

/**
 * The heartbeat: extends the leases this instance holds, each lane's every third of its lease (at least
 * {@link #MIN_PERIOD_MILLIS} apart), so a slow handler or a job waiting for a thread is not delivered twice. A
 * lease runs out only when this instance dies or stalls. The cadence follows the JVM's monotonic time; the new
 * lease ends are times of the worker's clock, as the claims' are.
 * <p>
 * Threads: one scheduled thread of its own ticks every {@link #TICK_MILLIS}; it alone writes
 * {@link TopicLane#lastExtended}. The extensions run on the store threads, at most one per partition at a time, so a
 * partition whose Redis node is slow or gone holds up no other.
 */
final class LeaseKeeper {

	/** How often the keeper looks at the lanes. */
	static final long TICK_MILLIS = 100;

	/** Shortest time between two extensions of one lane. */
	static final long MIN_PERIOD_MILLIS = 200;

	private final JobStore store;

	private final List<TopicLane> lanes;

	private final WorkerErrors errors;

	private final Clock clock;

	private final int batchSize;

	private final Executor storeThreads;

	private final ScheduledExecutorService executor = DaemonThreads.scheduler("delayqueue-heartbeat");

	LeaseKeeper(JobStore store, List<TopicLane> lanes, WorkerErrors errors, Clock clock, int batchSize,
			Executor storeThreads) {
		this.store = store;
		this.storeThreads = storeThreads;
		this.lanes = lanes;
		this.errors = errors;
		this.clock = clock;
		this.batchSize = batchSize;
	}

	void start() {
		this.executor.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
	}

	void stop() {
		this.executor.shutdownNow();
	}

	private void tick() {
		for (TopicLane lane : this.lanes) {
			long lease = lane.settings.lease().toMillis();
			long period = TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_PERIOD_MILLIS, lease / 3));
			long tick = System.nanoTime();
			if (tick - lane.lastExtended < period || lane.leases.isEmpty()) {
				continue;
			}
			lane.lastExtended = tick;
			for (LanePartition partition : lane.partitions) {
				List<Lease> held = lane.heldLeases(partition);
				if (held.isEmpty() || !partition.extending.compareAndSet(false, true)) {
					// nothing held, or the last extension of this partition still runs (its node is slow or gone)
					continue;
				}
				try {
					this.storeThreads.execute(() -> extend(partition, held, lease));
				}
				catch (RejectedExecutionException ex) {
					partition.extending.set(false);
				}
			}
		}
	}

	/** Runs on a store thread. */
	private void extend(LanePartition partition, List<Lease> held, long lease) {
		try {
			long leaseEnd = this.clock.millis() + lease;
			for (int i = 0; i < held.size(); i += this.batchSize) {
				this.store.extend(partition.partition, held.subList(i, Math.min(held.size(), i + this.batchSize)),
						leaseEnd);
			}
		}
		catch (RuntimeException ex) {
			this.errors.report(partition.lane.topic, "extend leases of " + partition, 1, ex, 0);
		}
		finally {
			partition.extending.set(false);
		}
	}

}
