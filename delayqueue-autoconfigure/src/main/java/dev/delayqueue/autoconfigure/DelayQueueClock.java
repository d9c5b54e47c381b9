package dev.delayqueue.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.redis.RedisTimeClock;
import dev.delayqueue.store.DaemonThreads;

import org.springframework.context.SmartLifecycle;

/**
 * The clock every part of delayqueue reads: Redis's time (a {@link RedisTimeClock} on the system clock, synced when
 * the application starts and every {@link #SYNC_INTERVAL}), so every instance decides "due" and "lease expired" in
 * one time base; or, when the application's {@link Clock} bean is not the system clock (a test moving time) or
 * {@code delayqueue.clock.redis-time=false}, that clock as it is.
 *
 * @since 0.1.0
 */
public final class DelayQueueClock implements SmartLifecycle {

	/** How often the offset to Redis's time is measured again. */
	public static final Duration SYNC_INTERVAL = Duration.ofSeconds(10);

	/** Until the first sync succeeds, it is tried again this often. */
	static final Duration RETRY_INTERVAL = Duration.ofMillis(200);

	/** While no sync has succeeded, the warning is repeated this often. */
	static final Duration WARN_INTERVAL = Duration.ofMinutes(5);

	/** An offset beyond this is worth a warning: the host's clock is wrong for everything else it does. */
	static final long WARN_OFFSET_MILLIS = 1000;

	private static final Logger logger = LoggerFactory.getLogger(DelayQueueClock.class);

	private final Clock clock;

	private final @Nullable RedisTimeClock synced;

	private volatile @Nullable ScheduledExecutorService syncer;

	private volatile boolean warned;

	/** When the last warning that Redis's time cannot be read was logged ({@link System#nanoTime()}), or 0. */
	private volatile long warnedUnreachable;

	private DelayQueueClock(Clock clock, @Nullable RedisTimeClock synced) {
		this.clock = clock;
		this.synced = synced;
	}

	/**
	 * The application's clock as it is.
	 * @param clock the clock
	 * @return a holder that never syncs
	 */
	public static DelayQueueClock of(Clock clock) {
		return new DelayQueueClock(clock, null);
	}

	/**
	 * The holder when delayqueue's auto-configuration made none (the application built its own store): the system
	 * clock, not synced.
	 * @return a holder of {@code Clock.systemUTC()}
	 */
	static DelayQueueClock fallback() {
		return of(Clock.systemUTC());
	}

	/**
	 * Redis's time, on the given local clock.
	 * @param synced the clock to sync
	 * @return a holder that syncs it while running
	 */
	public static DelayQueueClock redisTime(RedisTimeClock synced) {
		return new DelayQueueClock(synced, synced);
	}

	/**
	 * Returns whether a clock is the system clock (of any zone), the only kind that is synced to Redis's time: any
	 * other was chosen on purpose (a test moving time) and is used as it is.
	 * @param clock the clock
	 * @return {@code true} for {@code Clock.systemUTC()}, {@code Clock.systemDefaultZone()} and their like
	 */
	public static boolean isSystemClock(Clock clock) {
		return Clock.system(clock.getZone()).equals(clock);
	}

	/**
	 * Returns the clock delayqueue reads.
	 * @return the clock
	 */
	public Clock clock() {
		return this.clock;
	}

	/**
	 * Returns the Redis-time clock, when delayqueue reads Redis's time.
	 * @return the clock, or {@code null} when the application's clock is used as it is
	 */
	public @Nullable RedisTimeClock redisTime() {
		return this.synced;
	}

	@Override
	public void start() {
		RedisTimeClock redisTime = this.synced;
		if (redisTime == null) {
			if (this.syncer == null && !isSystemClock(this.clock)) {
				logger.info("delayqueue takes its time from the application's clock as it is ({}), not from Redis: it "
						+ "is not the system clock", this.clock);
			}
			return;
		}
		if (this.syncer != null) {
			return;
		}
		// the first sync before the worker starts (it starts in a later phase), so its first claim is in Redis time;
		// a Redis that refuses delayqueue's user is a failed startup, not a clock left on this host
		try {
			logFirst(redisTime, redisTime.sync());
		}
		catch (RuntimeException ex) {
			RuntimeException refused = DelayQueueAutoConfiguration.permissionProblem(ex);
			if (refused != null) {
				throw refused;
			}
			warnUnsynced(ex);
		}
		ScheduledExecutorService executor = DaemonThreads.scheduler("delayqueue-clock");
		this.syncer = executor;
		scheduleNext(executor, redisTime);
	}

	/** The next sync: after the interval once a sync has succeeded, sooner until one has. */
	private void scheduleNext(ScheduledExecutorService executor, RedisTimeClock redisTime) {
		Duration delay = redisTime.synced() ? SYNC_INTERVAL : RETRY_INTERVAL;
		try {
			executor.schedule(() -> {
				syncQuietly(redisTime);
				scheduleNext(executor, redisTime);
			}, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	private void syncQuietly(RedisTimeClock redisTime) {
		boolean first = !redisTime.synced();
		try {
			long offset = redisTime.sync();
			if (first) {
				logFirst(redisTime, offset);
			}
		}
		catch (RuntimeException ex) {
			if (first) {
				warnUnsynced(ex);
			}
			else {
				logger.debug("Cannot read Redis's time now; keeping the last reading", ex);
			}
		}
	}

	private void warnUnsynced(RuntimeException ex) {
		long now = System.nanoTime();
		if (this.warnedUnreachable == 0 || now - this.warnedUnreachable > WARN_INTERVAL.toNanos()) {
			this.warnedUnreachable = now;
			logger.warn("Cannot read Redis's time ({}); delayqueue uses this host's clock until it can", ex.toString());
		}
		else {
			logger.debug("Cannot read Redis's time yet", ex);
		}
	}

	private void logFirst(RedisTimeClock redisTime, long offset) {
		logger.info("delayqueue takes its time from Redis: {} ms from this host's clock (read up to {} ms late, "
				+ "never early)", offset, redisTime.uncertaintyMillis());
		if (Math.abs(offset) > WARN_OFFSET_MILLIS && !this.warned) {
			this.warned = true;
			logger.warn("This host's clock is {} ms {} Redis's; delayqueue takes its times from Redis, but fix the "
					+ "host's clock (NTP) for everything else", Math.abs(offset), (offset > 0) ? "behind" : "ahead of");
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.syncer;
		if (executor != null) {
			executor.shutdownNow();
			this.syncer = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.syncer != null;
	}

	/** Starts before the worker, the heartbeat and the recorder, and stops after them. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 300;
	}

	@Override
	public String toString() {
		return "DelayQueueClock[" + this.clock + "]";
	}

}
