package dev.delayqueue.worker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.delayqueue.store.TopicPartition;

/**
 * One partition of a topic lane, as this instance claims it: what it knows of the partition's next due time and
 * lease end, its back-off after store errors, and whether a claim or a lease extension of it is running. Each
 * partition is claimed on its own (on a cluster it may live on another master), so one that cannot be reached
 * holds up only itself.
 * <p>
 * Threads: {@link #claiming} is set by the claim loop when it hands a claim to a store thread and cleared by that
 * thread, which alone writes {@link #nextDue} (besides wake-ups, which lower it), {@link #nextLeaseEnd},
 * {@link #backoffUntil} and {@link #errorStreak} while the flag is set; the claim loop reads them only while it is
 * clear. {@link #lastClaim} is written by the claim loop and reset to 0 by the wake source's resubscribing thread.
 * {@link #extending} is the lease keeper's, set and cleared the same way.
 */
final class LanePartition {

	final TopicLane lane;

	final TopicPartition partition;

	/** A claim of this partition is running on a store thread. */
	final AtomicBoolean claiming = new AtomicBoolean();

	/** A lease extension of this partition is running on a store thread. */
	final AtomicBoolean extending = new AtomicBoolean();

	/**
	 * Earliest due time announced since the running claim started (epoch ms), {@link Long#MAX_VALUE} when none: a
	 * wake-up that arrives while a claim runs must not be overwritten by that claim's older view.
	 */
	final AtomicLong announced = new AtomicLong(Long.MAX_VALUE);

	/** Earliest known due time (epoch ms) of a pending job; {@link Long#MAX_VALUE} when none. */
	volatile long nextDue;

	/** Earliest known lease end (epoch ms) among jobs in flight; {@link Long#MAX_VALUE} when none. */
	volatile long nextLeaseEnd = Long.MAX_VALUE;

	/** When the last claim started (epoch ms); 0 asks for a claim at once. */
	volatile long lastClaim;

	/** No claim before this time (epoch ms), after a store error. */
	volatile long backoffUntil;

	/** Store errors in a row. */
	volatile int errorStreak;

	LanePartition(TopicLane lane, TopicPartition partition) {
		this.lane = lane;
		this.partition = partition;
	}

	/** Earliest moment there may be work for a claim: the next due time, announced due time or lease end. */
	long nextWork() {
		return Math.min(Math.min(this.nextDue, this.announced.get()), this.nextLeaseEnd);
	}

	/** Called on the wake-up listener's thread when a job became the earliest of this partition's lane. */
	boolean announce(long due) {
		this.announced.accumulateAndGet(due, Math::min);
		if (due < this.nextDue) {
			this.nextDue = due;
			return true;
		}
		return false;
	}

	@Override
	public String toString() {
		return this.partition + " (" + this.lane.lane.wireName() + ")";
	}

}
