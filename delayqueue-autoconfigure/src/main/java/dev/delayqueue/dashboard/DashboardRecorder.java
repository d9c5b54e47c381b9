package dev.delayqueue.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.event.DeliveryOutcome;
import dev.delayqueue.store.DaemonThreads;
import dev.delayqueue.store.JobStore;

import org.springframework.context.SmartLifecycle;

/**
 * Counts this instance's deliveries per minute and topic (by outcome, and lateness in buckets) and adds them to the
 * minute's counters in Redis every {@link #FLUSH_INTERVAL}, so the dashboard of any instance charts the work of all.
 * One write per minute with counts, never per job, each one atomic script call. Counts that cannot be written are
 * kept and written with the next flush, unless their minute has left the charted hour meanwhile. At most
 * {@value #MAX_TOPICS} topics get counters of their own on an instance.
 * <p>
 * Threads: the listener methods run on the worker's threads; flushes on a thread of its own.
 *
 * @since 0.1.0
 */
public final class DashboardRecorder implements DelayQueueListener, SmartLifecycle {

	/** How often counts go to Redis. */
	public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(5);

	/** How long a minute's counters live in Redis after their last change: the charted hour and a margin. */
	public static final Duration RETENTION = Duration.ofMinutes(90);

	/** Most topics with counters of their own; the others are counted together under {@value #OTHER}. */
	public static final int MAX_TOPICS = 200;

	/** Where topics beyond {@link #MAX_TOPICS} are counted. */
	public static final String OTHER = "(other)";

	private static final Logger logger = LoggerFactory.getLogger(DashboardRecorder.class);

	private final JobStore store;

	private final Clock clock;

	/** Counts not yet written, by minute, then counter name. */
	private final ConcurrentMap<Long, ConcurrentMap<String, LongAdder>> unwritten = new ConcurrentHashMap<>();

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ScheduledExecutorService flusher;

	/**
	 * Creates a recorder.
	 * @param store where the counts go
	 * @param clock the clock of the minutes
	 */
	public DashboardRecorder(JobStore store, Clock clock) {
		this.store = store;
		this.clock = clock;
	}

	@Override
	public void onClaimed(DelayedJob job, Duration lateness) {
		add(MinuteCounters.latenessField(topic(job), MinuteCounters.bucket(lateness.toMillis())));
	}

	@Override
	public void onDeliveryEnded(DelayedJob job, DeliveryOutcome outcome, Duration took) {
		String counter = switch (outcome) {
			case SUCCESS -> MinuteCounters.SUCCEEDED;
			case RETRY -> MinuteCounters.RETRIED;
			case DEAD -> MinuteCounters.DEAD;
			case RELEASED, SKIPPED -> null;
		};
		if (counter != null) {
			add(MinuteCounters.field(topic(job), counter));
		}
	}

	private String topic(DelayedJob job) {
		String topic = job.topic();
		if (this.topics.contains(topic)) {
			return topic;
		}
		// a race may let a few more in than the cap: harmless
		if (this.topics.size() < MAX_TOPICS) {
			this.topics.add(topic);
			return topic;
		}
		return OTHER;
	}

	private void add(String counter) {
		long minute = Math.floorDiv(this.clock.millis(), 60_000L);
		this.unwritten.computeIfAbsent(minute, (m) -> new ConcurrentHashMap<>())
			.computeIfAbsent(counter, (c) -> new LongAdder())
			.increment();
	}

	/**
	 * Writes the counts gathered so far now, as the recorder does every {@link #FLUSH_INTERVAL}; those that cannot
	 * be written stay for the next flush. A round stops at its first failure (Redis is away: the next round tries
	 * again), so a flush never waits more than one command timeout.
	 */
	public synchronized void flush() {
		long current = Math.floorDiv(this.clock.millis(), 60_000L);
		for (Long minute : new TreeSet<>(this.unwritten.keySet())) {
			ConcurrentMap<String, LongAdder> counters = this.unwritten.get(minute);
			if (counters == null) {
				continue;
			}
			if (minute < current - 60) {
				// out of the charted hour: not worth writing any more
				this.unwritten.remove(minute);
				continue;
			}
			// the minutes a worker thread may still add to stay in place: sumThenReset loses no concurrent add
			boolean finished = minute < current - 1;
			if (finished) {
				this.unwritten.remove(minute);
			}
			Map<String, Long> increments = new HashMap<>();
			counters.forEach((name, adder) -> {
				long count = adder.sumThenReset();
				if (count > 0) {
					increments.put(name, count);
				}
			});
			try {
				this.store.addMinuteCounts(minute, increments, RETENTION);
			}
			catch (RuntimeException ex) {
				logger.debug("Cannot write the dashboard's counters of minute {} now; keeping them", minute, ex);
				ConcurrentMap<String, LongAdder> kept = this.unwritten.computeIfAbsent(minute,
						(m) -> new ConcurrentHashMap<>());
				increments.forEach((name, count) -> kept.computeIfAbsent(name, (c) -> new LongAdder()).add(count));
				return;
			}
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = DaemonThreads.scheduler("delayqueue-dashboard");
		executor.scheduleWithFixedDelay(this::flushQuietly, FLUSH_INTERVAL.toMillis(), FLUSH_INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
		this.flusher = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.flusher;
		if (executor != null) {
			executor.shutdown();
			this.flusher = null;
			try {
				// a round under way ends first; the last round is one more at most
				executor.awaitTermination(FLUSH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			flush();
		}
	}

	private void flushQuietly() {
		try {
			flush();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot write the dashboard's counters now", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.flusher != null;
	}

	/** Stops after the worker (whose last deliveries it counts), before the connection factory. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 200;
	}

}
