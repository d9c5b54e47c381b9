package dev.delayqueue.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that runs with real time from an offset the test moves forward: scheduling, claims, leases and retries all
 * read it, so {@link #advance(Duration) moving it} makes every job due by then deliverable, while everything else
 * (a short delay, a lease heartbeat) keeps its real pace. Clocks in other zones made by {@link #withZone} share the
 * offset.
 * <p>
 * Threads: safe for use by any number of threads.
 *
 * @since 0.1.0
 */
public final class VirtualClock extends Clock {

	private final Clock base;

	private final AtomicLong offsetNanos;

	/**
	 * Creates a clock on the system clock in UTC, with no offset yet.
	 */
	public VirtualClock() {
		this(Clock.systemUTC(), new AtomicLong());
	}

	private VirtualClock(Clock base, AtomicLong offsetNanos) {
		this.base = base;
		this.offsetNanos = offsetNanos;
	}

	/**
	 * Moves the clock forward.
	 * @param by how far; zero or more
	 * @throws IllegalArgumentException if {@code by} is negative: time in delayqueue never goes back
	 */
	public void advance(Duration by) {
		if (by.isNegative()) {
			throw new IllegalArgumentException("by must not be negative (time only moves forward), was " + by);
		}
		this.offsetNanos.addAndGet(by.toNanos());
	}

	/**
	 * Returns how far the clock was moved ahead of real time.
	 * @return the offset
	 */
	public Duration offset() {
		return Duration.ofNanos(this.offsetNanos.get());
	}

	@Override
	public Instant instant() {
		return this.base.instant().plusNanos(this.offsetNanos.get());
	}

	@Override
	public long millis() {
		return instant().toEpochMilli();
	}

	@Override
	public ZoneId getZone() {
		return this.base.getZone();
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return new VirtualClock(this.base.withZone(zone), this.offsetNanos);
	}

	@Override
	public String toString() {
		return "VirtualClock[" + this.base + " + " + offset() + "]";
	}

}
