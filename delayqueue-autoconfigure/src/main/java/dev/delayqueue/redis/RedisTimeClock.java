package dev.delayqueue.redis;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A clock that reads Redis's time: the local clock plus an offset measured against Redis's {@code TIME}, corrected
 * for the round trip, and measured again on every {@link #sync()}. The offset errs late by its uncertainty (half the
 * round trip, plus a millisecond for rounding), so this clock never reads ahead of Redis's: a job is due by it no
 * sooner than by Redis's own time. Every instance that syncs against the same Redis
 * (on a cluster, the node holding {@code {#clock}}, the same for all) decides "due" and "lease expired" in the same
 * time base, whatever its own clock says; between two syncs it follows the local clock's rate.
 * <p>
 * Threads: safe for concurrent use; {@link #sync()} is meant for one thread at a time.
 *
 * @since 0.1.0
 */
public final class RedisTimeClock extends Clock {

	/** Round trips measured per sync; the shortest one wins, as its midpoint is the least uncertain. */
	static final int PROBES = 5;

	/** Reads {@code TIME} on the node of {@code KEYS[1]}, so every instance reads the same node of a cluster. */
	private static final RedisScript<List> TIME = RedisScript.of("return redis.call('TIME')", List.class);

	private final Clock local;

	private final StringRedisTemplate redis;

	private final String key;

	private volatile long offsetMillis;

	private volatile long uncertaintyMillis = -1;

	/**
	 * Creates a clock, not synced yet (it reads the local clock until the first {@link #sync()}).
	 * @param local the local clock it corrects
	 * @param redis the Redis whose time it reads
	 * @param keys the key layout ({@code <prefix>:{#clock}} routes the reads)
	 */
	public RedisTimeClock(Clock local, StringRedisTemplate redis, JobKeys keys) {
		this.local = local;
		this.redis = redis;
		this.key = keys.prefix() + ":{#clock}";
	}

	/**
	 * Measures the offset again: {@value #PROBES} round trips to Redis, the shortest one kept. The offset changes
	 * only when the new measurement differs by more than its uncertainty, so time does not wobble back and forth
	 * by a millisecond on every sync.
	 * @return the offset now in use, ms (Redis's time minus the local clock's)
	 * @throws org.springframework.dao.DataAccessException when Redis cannot be read (the offset is kept)
	 */
	public long sync() {
		long bestRoundTrip = Long.MAX_VALUE;
		long bestOffset = 0;
		for (int i = 0; i < PROBES; i++) {
			long before = this.local.millis();
			long start = System.nanoTime();
			List<?> time = this.redis.execute(TIME, List.of(this.key));
			long roundTripNanos = System.nanoTime() - start;
			long after = this.local.millis();
			if (time == null || time.size() < 2) {
				throw new IllegalStateException("Redis answered TIME with " + time);
			}
			long redisMillis = Long.parseLong(String.valueOf(time.get(0))) * 1000
					+ Long.parseLong(String.valueOf(time.get(1))) / 1000;
			if (roundTripNanos < bestRoundTrip) {
				bestRoundTrip = roundTripNanos;
				// the server read its time somewhere in the round trip: the midpoint is off by half of it at most
				bestOffset = redisMillis - (before + after) / 2;
			}
		}
		// TIME and the local clock are both truncated to the millisecond: one more for that
		long uncertainty = (bestRoundTrip + 1_999_999) / 2_000_000 + 1;
		// never ahead of Redis: a job is claimed at most this late, never early
		long offset = bestOffset - uncertainty;
		if (this.uncertaintyMillis < 0 || Math.abs(offset - this.offsetMillis) > uncertainty) {
			this.offsetMillis = offset;
		}
		this.uncertaintyMillis = uncertainty;
		return this.offsetMillis;
	}

	/**
	 * Returns the offset in use.
	 * @return Redis's time minus the local clock's, ms; 0 before the first sync
	 */
	public long offsetMillis() {
		return this.offsetMillis;
	}

	/**
	 * Returns how far off the measured offset may be: half the shortest round trip of the last sync, rounded up, plus
	 * a millisecond for rounding; the offset in use is that much below the measurement.
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
		return this.uncertaintyMillis >= 0;
	}

	@Override
	public long millis() {
		return this.local.millis() + this.offsetMillis;
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(millis());
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
		return "RedisTimeClock[offset=" + this.offsetMillis + " ms, uncertainty=" + this.uncertaintyMillis + " ms, "
				+ this.local + "]";
	}

}
