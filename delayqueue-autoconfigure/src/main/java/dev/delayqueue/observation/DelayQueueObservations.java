package dev.delayqueue.observation;

import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayedJob;

/**
 * The observations delayqueue makes through a Micrometer {@link ObservationRegistry}: {@value #SCHEDULE} around
 * each call that writes jobs, and {@value #DELIVERY} around each delivery, to a handler or a callback. With
 * Micrometer Tracing these are spans: the scheduling span's context is stored with each job (unless propagation is
 * off) and the delivery span is its child, in the same trace, however long the job waited; with Boot's meter
 * handler they are also timers of those names.
 * <p>
 * Key values of a delivery: {@value #LANE} and {@value #OUTCOME} (low cardinality); {@value #TOPIC},
 * {@value #JOB_ID} and {@value #ATTEMPT} (high cardinality: spans carry them, meters do not, as the number of topics
 * is the application's). A scheduling has {@value #TOPIC} and, for one job, {@value #JOB_ID}. A failure inside an
 * observation handler is logged at debug level and never reaches the work observed.
 * <p>
 * Threads: safe for concurrent use.
 *
 * @since 0.1.0
 */
public final class DelayQueueObservations {

	/** The observation of one call that schedules jobs. */
	public static final String SCHEDULE = "delayqueue.schedule";

	/** The observation of one delivery attempt. */
	public static final String DELIVERY = "delayqueue.process";

	/** Key of the topic (high cardinality). */
	public static final String TOPIC = "delayqueue.topic";

	/** Key of the job id (high cardinality; on a scheduling, only when the call schedules one job). */
	public static final String JOB_ID = "delayqueue.job.id";

	/** Key of the attempt number of a delivery, from 1 (high cardinality). */
	public static final String ATTEMPT = "delayqueue.job.attempt";

	/** Key of the lane of a delivery: {@code local} or {@code http} (low cardinality). */
	public static final String LANE = "delayqueue.lane";

	/** Key of how a delivery ended: {@code success}, {@code retry}, {@code dead} or {@code released}. */
	public static final String OUTCOME = "delayqueue.outcome";

	private static final Logger logger = LoggerFactory.getLogger(DelayQueueObservations.class);

	/** Nothing observed, nothing stored. */
	public static final DelayQueueObservations NONE = new DelayQueueObservations(ObservationRegistry.NOOP, false);

	private final ObservationRegistry registry;

	private final boolean propagate;

	/**
	 * Creates the observations.
	 * @param registry where observations go
	 * @param propagate whether each job stores the trace context of its scheduling, so its delivery continues the
	 * trace
	 */
	public DelayQueueObservations(ObservationRegistry registry, boolean propagate) {
		this.registry = registry;
		this.propagate = propagate;
	}

	/**
	 * Returns whether observations are made at all.
	 * @return {@code false} for a no-op registry
	 */
	public boolean enabled() {
		return !this.registry.isNoop();
	}

	/**
	 * Returns the registry.
	 * @return the registry
	 */
	public ObservationRegistry registry() {
		return this.registry;
	}

	/**
	 * Starts an observation; a handler that throws gives {@link Observation#NOOP} instead, so a failure of tracing
	 * never fails the work observed.
	 * @param observation the observation, not started
	 * @return it, started, or {@link Observation#NOOP}
	 */
	public static Observation start(Observation observation) {
		if (observation == Observation.NOOP) {
			return observation;
		}
		try {
			return observation.start();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot start observation {}", observation, ex);
			return Observation.NOOP;
		}
	}

	/**
	 * Opens a scope of an observation on this thread; {@link Observation.Scope#NOOP} when a handler throws.
	 * @param observation the observation, started
	 * @return the scope, to {@link #close}
	 */
	public static Observation.Scope open(Observation observation) {
		if (observation == Observation.NOOP) {
			return Observation.Scope.NOOP;
		}
		try {
			return observation.openScope();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot open a scope of observation {}", observation, ex);
			return Observation.Scope.NOOP;
		}
	}

	/**
	 * Closes a scope; a handler that throws is logged, not thrown.
	 * @param scope the scope from {@link #open}
	 */
	public static void close(Observation.Scope scope) {
		if (scope == Observation.Scope.NOOP) {
			return;
		}
		try {
			scope.close();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot close a scope of an observation", ex);
		}
	}

	/**
	 * Stops an observation, with its error and outcome; a handler that throws is logged, not thrown.
	 * @param observation the observation, started
	 * @param error what failed the work, or {@code null}
	 * @param outcome the {@value #OUTCOME} key value, or {@code null} for none
	 */
	public static void stop(Observation observation, @Nullable Throwable error, @Nullable String outcome) {
		if (observation == Observation.NOOP) {
			return;
		}
		try {
			if (outcome != null) {
				observation.lowCardinalityKeyValue(OUTCOME, outcome);
			}
			if (error != null) {
				observation.error(error);
			}
			observation.stop();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot stop observation {}", observation, ex);
		}
	}

	/**
	 * Creates, not started, the observation of one scheduling call on a topic.
	 * @param topic the topic
	 * @param jobs how many jobs the call writes to it
	 * @param id the id of the job when it is one, else {@code null}
	 * @return the observation ({@link Observation#NOOP} when disabled)
	 */
	public Observation schedule(String topic, int jobs, @Nullable String id) {
		if (!enabled()) {
			return Observation.NOOP;
		}
		try {
			ScheduleObservationContext context = new ScheduleObservationContext(topic, jobs);
			Observation observation = Observation.createNotStarted(SCHEDULE, () -> context, this.registry)
				.contextualName("schedule " + topic)
				.highCardinalityKeyValue(TOPIC, topic);
			return (id != null) ? observation.highCardinalityKeyValue(JOB_ID, id) : observation;
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot create observation {}", SCHEDULE, ex);
			return Observation.NOOP;
		}
	}

	/**
	 * Returns the trace context a started scheduling observation leaves for its jobs to store.
	 * @param schedule the observation from {@link #schedule}, started
	 * @return the text to store, or {@code null} for none (propagation off, no tracing, too large)
	 */
	public @Nullable String traceContext(Observation schedule) {
		if (!this.propagate || !(schedule.getContext() instanceof ScheduleObservationContext context)) {
			return null;
		}
		try {
			Map<String, String> carrier = context.getCarrier();
			return (carrier != null) ? TraceContext.encode(carrier) : null;
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot read the trace context of {}", schedule, ex);
			return null;
		}
	}

	/**
	 * Creates, not started, the observation of one delivery attempt.
	 * @param job the job, in flight
	 * @param lane {@code local} or {@code http}
	 * @param traceContext what the job stored at scheduling, or {@code null}
	 * @return the observation ({@link Observation#NOOP} when disabled)
	 */
	public Observation delivery(DelayedJob job, String lane, @Nullable String traceContext) {
		if (!enabled()) {
			return Observation.NOOP;
		}
		try {
			DeliveryObservationContext context = new DeliveryObservationContext(job, lane,
					this.propagate ? TraceContext.decode(traceContext) : Map.of());
			return Observation.createNotStarted(DELIVERY, () -> context, this.registry)
				.contextualName("deliver " + job.topic())
				.lowCardinalityKeyValue(LANE, lane)
				.highCardinalityKeyValue(TOPIC, job.topic())
				.highCardinalityKeyValue(JOB_ID, job.id())
				.highCardinalityKeyValue(ATTEMPT, Integer.toString(job.attempts()));
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot create observation {}", DELIVERY, ex);
			return Observation.NOOP;
		}
	}

}
