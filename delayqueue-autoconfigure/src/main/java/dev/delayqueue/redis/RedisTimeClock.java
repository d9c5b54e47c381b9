package dev.delayqueue.redis;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A clock that reads Redis's time: at each {@link #sync()} it reads Redis's {@code TIME} (the shortest of
 * {@value #PROBES} round trips, taken at its midpoint) and from then on counts from that reading with the monotonic
 * clock ({@link System#nanoTime()}), so a step of the host's wall clock (NTP, a resumed VM) changes nothing. The
 * reading errs late by its uncertainty (half the round trip, plus a millisecond for rounding), counting on from it
 * gives up {@value #MAX_DRIFT_PPM} ppm for drift, and a later sync is taken whenever it reads earlier, so this clock
 * does not read ahead of Redis's: a job is due by it no sooner than by
 * Redis's own time. Every instance that syncs against the same Redis (on a cluster, the node holding
 * {@code {#clock}}, the same for all) decides "due" and "lease expired" in the same time base. Before its first
 * sync it reads the local clock.
 * <p>
 * Threads: safe for concurrent use; {@link #sync()} is meant for one thread at a time.
 *
 * @since 0.1.0
 */
public final class RedisTimeClock extends Clock {

	/**
	 * How fast the two clocks may drift apart between syncs, in parts per million: NTP slews a clock by at most
	 * 500 ppm.
	 */
	static final long MAX_DRIFT_PPM = 500;

	/** Round trips measured per sync; the shortest one wins, as its midpoint is the least uncertain. */
	static final int PROBES = 5;

	/** Reads {@code TIME} on the node of {@code KEYS[1]}, so every instance reads the same node of a cluster. */
	private static final RedisScript<List> TIME = RedisScript.of("return redis.call('TIME')", List.class);

	private final Clock local;

	private final StringRedisTemplate redis;

	private final String key;

	/** Redis's time (ms, erring late) at {@link Anchor#nanos}; {@code null} before the first sync. */
	private volatile @Nullable Anchor anchor;

	private volatile long uncertaintyMillis = -1;

	/**
	 * Creates a clock, not synced yet (it reads the local clock until the first {@link #sync()}).
	 * @param local the local clock, read until the first sync (and for its zone)
	 * @param redis the Redis whose time it reads
	 * @param keys the key layout ({@code <prefix>:{#clock}} routes the reads)
	 */
	public RedisTimeClock(Clock local, StringRedisTemplate redis, JobKeys keys) {
		this.local = local;
		this.redis = redis;
		this.key = keys.prefix() + ":{#clock}";
	}

	/**
	 * Reads Redis's time again: {@value #PROBES} round trips, the shortest one kept. The new reading replaces the
	 * current one when it reads earlier (this clock was ahead) or later by more than its uncertainty, so time does
	 * not wobble forward and back by a millisecond on every sync.
	 * @return the offset now in use, ms (Redis's time minus the local clock's)
	 * @throws org.springframework.dao.DataAccessException when Redis cannot be read (the reading in use is kept)
	 */
	public long sync() {
		long bestRoundTrip = Long.MAX_VALUE;
		long bestMillis = 0;
		long bestNanos = 0;
		for (int i = 0; i < PROBES; i++) {
			long start = System.nanoTime();
			List<?> time = this.redis.execute(TIME, List.of(this.key));
			long end = System.nanoTime();
			if (time == null || time.size() < 2) {
				throw new IllegalStateException("Redis answered TIME with " + time);
			}
			if (end - start < bestRoundTrip) {
				bestRoundTrip = end - start;
				bestMillis = Long.parseLong(String.valueOf(time.get(0))) * 1000
						+ Long.parseLong(String.valueOf(time.get(1))) / 1000;
				// the server read its time somewhere in the round trip: the midpoint is off by half of it at most
				bestNanos = start + (end - start) / 2;
			}
		}
		// TIME is truncated to the millisecond: one more for that
		long uncertainty = (bestRoundTrip + 1_999_999) / 2_000_000 + 1;
		Anchor reading = new Anchor(bestMillis - uncertainty, bestNanos);
		Anchor current = this.anchor;
		if (current == null) {
			this.anchor = reading;
		}
		else {
			long difference = reading.millisAt(bestNanos) - current.millisAt(bestNanos);
			if (difference < 0 || difference > uncertainty) {
				this.anchor = reading;
			}
		}
		if (this.anchor == reading) {
			this.uncertaintyMillis = uncertainty;
		}
		return offsetMillis();
	}

	/**
	 * Returns the offset between Redis's time, as this clock reads it, and the local clock.
	 * @return ms, positive when the local clock is behind; 0 before the first sync
	 */
	public long offsetMillis() {
		return (this.anchor != null) ? millis() - this.local.millis() : 0;
	}

	/**
	 * Returns how far off the last reading may be: half the shortest round trip of the last sync, rounded up, plus
	 * a millisecond for rounding; the reading in use is that much below what Redis said.
	 * @return ms, or {@code -1} before the first sync
	 */
	public long uncertaintyMillis() {
		return this.uncertaintyMillis;
	}

	/**
	 * Returns whether a sync has succeeded.
	 * @return {@code true} once the clock reads Redis's time
	 */
	public boolean synced() {
		return this.anchor != null;
	}

	@Override
	public long millis() {
		Anchor current = this.anchor;
		return (current != null) ? current.millisAt(System.nanoTime()) : this.local.millis();
	}

	@Override
	public Instant instant() {
		Anchor current = this.anchor;
		// to the nanosecond, as the local clock reads: a worker sleeping until a due time wakes on it, not up to a
		// millisecond after
		return (current != null) ? current.instantAt(System.nanoTime()) : this.local.instant();
	}

	@Override
	public ZoneId getZone() {
		return this.local.getZone();
	}

	/** A view of this clock in another zone, following its syncs. */
	@Override
	public Clock withZone(ZoneId zone) {
		RedisTimeClock synced = this;
		return new Clock() {

			@Override
			public long millis() {
				return synced.millis();
			}

			@Override
			public Instant instant() {
				return synced.instant();
			}

			@Override
			public ZoneId getZone() {
				return zone;
			}

			@Override
			public Clock withZone(ZoneId other) {
				return synced.withZone(other);
			}

		};
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return System.identityHashCode(this);
	}

	@Override
	public String toString() {
		return "RedisTimeClock[offset=" + offsetMillis() + " ms, uncertainty=" + this.uncertaintyMillis + " ms, "
				+ this.local + "]";
	}

	/**
	 * Redis's time at a reading of the monotonic clock. Counting on from it, the clock gives up {@link #MAX_DRIFT_PPM}
	 * of the time elapsed, so it stays behind Redis's even while one of the two clocks slews at NTP's limit.
	 */
	private record Anchor(long millis, long nanos) {

		long millisAt(long nanoTime) {
			return this.millis + Math.floorDiv(elapsedNanos(nanoTime), 1_000_000L);
		}

		Instant instantAt(long nanoTime) {
			return Instant.ofEpochMilli(this.millis).plusNanos(elapsedNanos(nanoTime));
		}

		/** Nanoseconds since the reading, less what the clock may have drifted meanwhile. */
		private long elapsedNanos(long nanoTime) {
			long elapsedNanos = nanoTime - this.nanos;
			// given up a little every microsecond, so the instant never steps back
			return elapsedNanos - elapsedNanos / 1_000 * MAX_DRIFT_PPM / 1_000;
		}

	}

}
