package dev.delayqueue.worker;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lease;

/**
 * The heartbeat: extends the leases this instance holds, each lane's every third of its lease, so a slow handler
 * or a job waiting for a thread is not delivered twice. A lease runs out only when this instance dies or stalls.
 * <p>
 * Threads: one scheduled thread of its own ticks every {@link #TICK_MILLIS}; it alone writes
 * {@link TopicLane#lastExtended}.
 */
final class LeaseKeeper {

	/** How often the keeper looks at the lanes. */
	static final long TICK_MILLIS = 100;

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
			long now = this.clock.millis();
			long lease = lane.settings.lease().toMillis();
			if (now - lane.lastExtended < lease / 3) {
				continue;
			}
			lane.lastExtended = now;
			List<Lease> held = lane.heldLeases();
			if (held.isEmpty()) {
				continue;
			}
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
