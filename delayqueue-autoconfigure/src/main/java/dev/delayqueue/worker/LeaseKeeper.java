package dev.delayqueue.worker;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lease;

/**
 * The heartbeat: extends the leases this instance holds, each lane's every third of its lease (at least
 * {@link #MIN_PERIOD_MILLIS} apart), so a slow handler or a job waiting for a thread is not delivered twice. A
 * lease runs out only when this instance dies or stalls. The cadence follows the JVM's monotonic time; the new
 * lease ends are times of the worker's clock, as the claims' are.
 * <p>
 * Threads: one scheduled thread of its own ticks every {@link #TICK_MILLIS}; it alone writes
 * {@link TopicLane#lastExtended}.
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

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "delayqueue-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	LeaseKeeper(JobStore store, List<TopicLane> lanes, WorkerErrors errors, Clock clock, int batchSize) {
		this.store = store;
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
			if (tick - lane.lastExtended < period) {
				continue;
			}
			lane.lastExtended = tick;
			List<Lease> held = lane.heldLeases();
			if (held.isEmpty()) {
				continue;
			}
			long now = this.clock.millis();
			try {
				for (int i = 0; i < held.size(); i += this.batchSize) {
					this.store.extend(lane.topic, held.subList(i, Math.min(held.size(), i + this.batchSize)),
							now + lease);
				}
			}
			catch (RuntimeException ex) {
				this.errors.report(lane.topic, "extend leases", 1, ex, 0);
			}
		}
	}

}
