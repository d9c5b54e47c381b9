package dev.delayqueue.micrometer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.event.DeliveryOutcome;
import dev.delayqueue.store.DaemonThreads;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.TopicSnapshot;

import org.springframework.context.SmartLifecycle;

/**
 * delayqueue's Micrometer meters. Timers and counters follow the {@link DelayQueueListener} events of this
 * instance; the {@code delayqueue.jobs} and {@code delayqueue.jobs.overdue} gauges are read from Redis every
 * {@code refresh} on a thread of their own, one round trip per topic, never per job, and report the topic's totals
 * (the same figure on every instance: aggregate them with max, not sum).
 * <p>
 * Meters, in base units, tagged {@code topic} (at most {@code maxTopics} values, the rest {@code (other)}):
 * <ul>
 * <li>{@code delayqueue.delivery.lateness} timer, {@code lane}: due time to delivery start, with a percentile
 * histogram and service-level boundaries 10 ms, 100 ms, 1 s, 10 s;</li>
 * <li>{@code delayqueue.delivery} timer, {@code lane}, {@code outcome} ({@code success}, {@code retry}, {@code dead},
 * {@code released}): how long the handler or callback ran;</li>
 * <li>{@code delayqueue.jobs.scheduled} counter, {@code result} ({@code created}, {@code replaced},
 * {@code unchanged});</li>
 * <li>{@code delayqueue.lease.expired} and {@code delayqueue.worker.errors} counters;</li>
 * <li>{@code delayqueue.jobs} gauge, {@code state} ({@code pending}, {@code inflight}, {@code dead}), and
 * {@code delayqueue.jobs.overdue} gauge: seconds the oldest due, unclaimed job has waited (0 when none).</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class DelayQueueMetrics implements DelayQueueListener, SmartLifecycle {

	static final String LATENESS = "delayqueue.delivery.lateness";

	static final String DELIVERY = "delayqueue.delivery";

	static final String SCHEDULED = "delayqueue.jobs.scheduled";

	static final String LEASE_EXPIRED = "delayqueue.lease.expired";

	static final String WORKER_ERRORS = "delayqueue.worker.errors";

	static final String JOBS = "delayqueue.jobs";

	static final String OVERDUE = "delayqueue.jobs.overdue";

	/** The topic tag of worker errors that concern no single topic. */
	static final String NO_TOPIC = "(none)";

	private static final Duration[] SLO = { Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1),
			Duration.ofSeconds(10) };

	private static final Logger logger = LoggerFactory.getLogger(DelayQueueMetrics.class);

	private final MeterRegistry registry;

	private final JobStore store;

	private final Clock clock;

	private final Duration refresh;

	private final TopicTags topics;

	/** The topics this instance delivers: they get their tag values before any other topic found in Redis. */
	private final Supplier<Set<String>> served;

	/**
	 * Timers by topic tag value, created on first use by whichever thread meets them; a topic past the limit misses
	 * here and is found under {@link TopicTags#OTHER} (without a lock once the limit is reached).
	 */
	private final Map<String, TopicMeters> timers = new ConcurrentHashMap<>();

	private final Map<MeterKey, Counter> counters = new ConcurrentHashMap<>();

	/** Gauge values per topic: written by the refresh thread, read by the registry. */
	private final Map<String, TopicGauges> gauges = new ConcurrentHashMap<>();

	/** Written by {@link #start()} and {@link #stop()} on the lifecycle thread. */
	private volatile @Nullable ScheduledExecutorService refresher;

	/**
	 * Creates the meters' home.
	 * @param registry the registry to register with
	 * @param store where the gauges are read
	 * @param clock delayqueue's clock, for the overdue age
	 * @param settings the refresh interval and the cardinality guard
	 * @param served the topics this instance delivers, which get their own tag values first
	 */
	public DelayQueueMetrics(MeterRegistry registry, JobStore store, Clock clock, MetricsSettings settings,
			Supplier<Set<String>> served) {
		this.registry = registry;
		this.served = served;
		this.store = store;
		this.clock = clock;
		this.refresh = settings.refresh();
		this.topics = new TopicTags(settings.maxTopics());
		counter(WORKER_ERRORS, NO_TOPIC, "", "");
	}

	@Override
	public void onClaimed(DelayedJob job, Duration lateness) {
		meters(job.topic()).lateness(lane(job)).record(lateness);
	}

	@Override
	public void onDeliveryEnded(DelayedJob job, DeliveryOutcome outcome, Duration took) {
		meters(job.topic()).delivery(lane(job), outcome).record(took);
	}

	@Override
	public void onScheduled(String topic, String id, Instant dueAt, ScheduleResult result) {
		String value = switch (result) {
			case CREATED -> "created";
			case ALREADY_EXISTS -> "unchanged";
			case REPLACED_PENDING, REPLACED_IN_FLIGHT, REPLACED_DEAD -> "replaced";
			case AFTER_COMMIT -> "after-commit"; // listeners hear the outcome after the commit instead
		};
		counter(SCHEDULED, this.topics.of(topic), "result", value).increment();
	}

	@Override
	public void onLeaseExpired(String topic, String id) {
		counter(LEASE_EXPIRED, this.topics.of(topic), "", "").increment();
	}

	@Override
	public void onWorkerError(@Nullable String topic, Throwable error, Duration retryIn) {
		counter(WORKER_ERRORS, (topic != null) ? this.topics.of(topic) : NO_TOPIC, "", "").increment();
	}

	/**
	 * Reads the gauges of every topic with its own tag value now; called on the refresh thread.
	 */
	void refresh() {
		TreeSet<String> all = new TreeSet<>(this.store.topics(Lane.LOCAL));
		for (String topic : all) {
			if (!this.topics.hasOwn(topic)) {
				continue;
			}
			TopicSnapshot snapshot;
			try {
				snapshot = this.store.snapshot(topic);
			}
			catch (RuntimeException ex) {
				logger.debug("Cannot read the gauges of topic '{}'; keeping the last values", topic, ex);
				continue;
			}
			this.gauges.computeIfAbsent(topic, this::register).set(snapshot, this.clock.instant());
		}
	}

	private TopicGauges register(String topic) {
		// counters of rare events show as 0 from the start, so a dashboard need not guess they exist
		counter(LEASE_EXPIRED, topic, "", "");
		counter(WORKER_ERRORS, topic, "", "");
		TopicGauges values = new TopicGauges();
		Gauge.builder(JOBS, values, (v) -> v.pending)
			.description("Jobs of the topic in each state, read from Redis")
			.tags("topic", topic, "state", "pending")
			.register(this.registry);
		Gauge.builder(JOBS, values, (v) -> v.inFlight).tags("topic", topic, "state", "inflight").register(this.registry);
		Gauge.builder(JOBS, values, (v) -> v.dead).tags("topic", topic, "state", "dead").register(this.registry);
		Gauge.builder(OVERDUE, values, (v) -> v.overdueSeconds)
			.description("How long the oldest due job of the topic has waited to be claimed")
			.baseUnit("seconds")
			.tags("topic", topic)
			.register(this.registry);
		return values;
	}

	private TopicMeters meters(String topic) {
		TopicMeters meters = this.timers.get(topic);
		return (meters != null) ? meters : this.timers.computeIfAbsent(this.topics.of(topic), TopicMeters::new);
	}

	private Counter counter(String name, String topic, String tag, String value) {
		return this.counters.computeIfAbsent(new MeterKey(name, topic, tag, value), (key) -> {
			Counter.Builder builder = Counter.builder(name).tag("topic", topic);
			if (!tag.isEmpty()) {
				builder.tag(tag, value);
			}
			return builder.register(this.registry);
		});
	}

	private static int lane(DelayedJob job) {
		return (job.callback() != null) ? 1 : 0;
	}

	@Override
	public void start() {
		// the handlers are registered by now: their topics take their tag values before anything else can
		this.served.get().forEach(this.topics::of);
		ScheduledExecutorService executor = DaemonThreads.scheduler("delayqueue-metrics");
		executor.scheduleWithFixedDelay(this::refreshQuietly, 0, this.refresh.toMillis(), TimeUnit.MILLISECONDS);
		this.refresher = executor;
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot read delayqueue's gauges now; keeping the last values", ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.refresher;
		if (executor != null) {
			executor.shutdownNow();
			this.refresher = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.refresher != null;
	}

	/** A meter's name and the tag values that tell it apart. */
	private record MeterKey(String name, String topic, String tag, String value) {
	}

	/**
	 * The timers of one topic tag value, by lane ({@code local}, {@code http}) and outcome, each created on first
	 * use; two threads racing to create one get the same timer from the registry.
	 */
	private final class TopicMeters {

		private static final String[] LANES = { "local", "http" };

		/** Tag values by {@link DeliveryOutcome#ordinal()}: {@code success}, {@code retry}, {@code dead}, {@code released}. */
		private static final String[] OUTCOMES = Arrays.stream(DeliveryOutcome.values())
			.map((outcome) -> outcome.name().toLowerCase(Locale.ROOT))
			.toArray(String[]::new);

		private final String topic;

		/** By lane. */
		private final AtomicReferenceArray<Timer> lateness = new AtomicReferenceArray<>(LANES.length);

		/** By lane times outcome. */
		private final AtomicReferenceArray<Timer> delivery = new AtomicReferenceArray<>(
				LANES.length * OUTCOMES.length);

		TopicMeters(String topic) {
			this.topic = topic;
		}

		Timer lateness(int lane) {
			Timer timer = this.lateness.get(lane);
			if (timer == null) {
				timer = Timer.builder(LATENESS)
					.description("Time from a job's due time to the start of its delivery")
					.tags("topic", this.topic, "lane", LANES[lane])
					.publishPercentileHistogram()
					.serviceLevelObjectives(SLO)
					.maximumExpectedValue(Duration.ofMinutes(10))
					.register(DelayQueueMetrics.this.registry);
				this.lateness.set(lane, timer);
			}
			return timer;
		}

		Timer delivery(int lane, DeliveryOutcome outcome) {
			int index = lane * OUTCOMES.length + outcome.ordinal();
			Timer timer = this.delivery.get(index);
			if (timer == null) {
				timer = Timer.builder(DELIVERY)
					.description("How long a delivery ran, by outcome")
					.tags("topic", this.topic, "lane", LANES[lane], "outcome", OUTCOMES[outcome.ordinal()])
					.register(DelayQueueMetrics.this.registry);
				this.delivery.set(index, timer);
			}
			return timer;
		}

	}

	/** The last values read for one topic. */
	private static final class TopicGauges {

		private volatile double pending;

		private volatile double inFlight;

		private volatile double dead;

		private volatile double overdueSeconds;

		void set(TopicSnapshot snapshot, Instant now) {
			this.pending = snapshot.stats().pending();
			this.inFlight = snapshot.stats().inFlight();
			this.dead = snapshot.stats().dead();
			this.overdueSeconds = snapshot.overdue(now).toNanos() / 1e9;
		}

	}

}
