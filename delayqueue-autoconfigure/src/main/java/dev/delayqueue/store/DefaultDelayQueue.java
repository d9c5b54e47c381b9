package dev.delayqueue.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayQueueFullException;
import dev.delayqueue.DelayQueueUnavailableException;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.DueTime;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobNames;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.JobTooLargeException;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TopicStats;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.observation.DelayQueueObservations;

import org.springframework.dao.DataAccessException;

/**
 * The {@link DelayQueue} on a {@link JobStore}: checks requests, writes bodies as JSON, groups batches by
 * topic and tells the {@link DelayQueueListener}.
 *
 * @since 0.1.0
 */
public class DefaultDelayQueue implements DelayQueue {

	/** Default largest body, in bytes of JSON. */
	public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

	private static final int MAX_PAGE = 1000;

	private final JobStore store;

	private final JsonMapper jsonMapper;

	private final DelayQueueListener listener;

	private final Clock clock;

	private final int maxBodyBytes;

	private final int batchSize;

	private final CallbackValidator callbackValidator;

	private DelayQueueObservations observations = DelayQueueObservations.NONE;

	/**
	 * Creates a delay queue.
	 * @param store the store
	 * @param jsonMapper writes bodies
	 * @param listener hears scheduling and cancellation
	 * @param clock turns delays into due times
	 * @param maxBodyBytes largest body, in bytes of JSON
	 * @param batchSize most jobs per script call in {@link #scheduleAll}
	 * @param callbackValidator decides which callback URLs jobs may have
	 */
	public DefaultDelayQueue(JobStore store, JsonMapper jsonMapper, DelayQueueListener listener, Clock clock,
			int maxBodyBytes, int batchSize, CallbackValidator callbackValidator) {
		this.store = store;
		this.jsonMapper = jsonMapper;
		this.listener = listener;
		this.clock = clock;
		this.maxBodyBytes = maxBodyBytes;
		this.batchSize = batchSize;
		this.callbackValidator = callbackValidator;
	}

	/**
	 * Sets the observations of scheduling, and whether each job stores the trace context of its scheduling; none by
	 * default.
	 * @param observations the observations
	 */
	public void setObservations(DelayQueueObservations observations) {
		this.observations = observations;
	}

	/**
	 * Returns the largest body a job may have.
	 * @return bytes of JSON
	 */
	public int maxBodyBytes() {
		return this.maxBodyBytes;
	}

	@Override
	public ScheduleResult schedule(JobRequest request) {
		return scheduleAll(List.of(request)).get(0);
	}

	@Override
	public List<ScheduleResult> scheduleAll(Collection<JobRequest> requests) {
		Instant now = this.clock.instant();
		Map<String, List<Integer>> positionsByTopic = new LinkedHashMap<>();
		List<StoredJob> stored = new ArrayList<>(requests.size());
		List<JobRequest> ordered = List.copyOf(requests);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < ordered.size(); i++) {
			JobRequest request = ordered.get(i);
			if (!seen.add(request.topic() + '\n' + request.id())) {
				throw new InvalidJobException("id", "must be unique within a batch ('" + request.id()
						+ "' appears twice in topic '" + request.topic() + "')");
			}
			if (request.callback() != null) {
				this.callbackValidator.check(request.callback());
			}
			stored.add(new StoredJob(request.id(), request.dueAt(now).toEpochMilli(), writeBody(request.body()),
					request.maxAttempts(), request.callback(), request.backoff()));
			positionsByTopic.computeIfAbsent(request.topic() + (request.ifAbsent() ? "\nnx" : ""),
					(k) -> new ArrayList<>()).add(i);
		}
		ScheduleResult[] results = new ScheduleResult[ordered.size()];
		for (Map.Entry<String, List<Integer>> entry : positionsByTopic.entrySet()) {
			List<Integer> positions = entry.getValue();
			JobRequest first = ordered.get(positions.get(0));
			Observation observation = DelayQueueObservations.start(this.observations.schedule(first.topic(),
					positions.size(), (positions.size() == 1) ? first.id() : null));
			String traceContext = this.observations.traceContext(observation);
			Observation.Scope scope = DelayQueueObservations.open(observation);
			RuntimeException failure = null;
			try {
				for (int from = 0; from < positions.size(); from += this.batchSize) {
					List<Integer> chunk = positions.subList(from, Math.min(positions.size(), from + this.batchSize));
					List<StoredJob> jobs = chunk.stream()
						.map((position) -> stored.get(position).withTraceContext(traceContext))
						.toList();
					List<ScheduleResult> chunkResults = redis("schedule jobs on topic '" + first.topic() + "'",
							() -> this.store.schedule(first.topic(), jobs, first.ifAbsent(), now.toEpochMilli()));
					for (int k = 0; k < chunk.size(); k++) {
						results[chunk.get(k)] = chunkResults.get(k);
					}
				}
			}
			catch (RuntimeException ex) {
				failure = ex;
				throw ex;
			}
			finally {
				DelayQueueObservations.close(scope);
				DelayQueueObservations.stop(observation, failure, null);
			}
		}
		for (int i = 0; i < results.length; i++) {
			JobRequest request = ordered.get(i);
			this.listener.onScheduled(request.topic(), request.id(), Instant.ofEpochMilli(stored.get(i).dueAt()),
					results[i]);
		}
		return List.of(results);
	}

	@Override
	public Optional<JobState> reschedule(String topic, String id, Instant dueAt) {
		check(topic, id);
		Instant now = this.clock.instant();
		long due = DueTime.at("dueAt", dueAt, now).toEpochMilli();
		return redis("reschedule job '" + id + "' of topic '" + topic + "'",
				() -> this.store.reschedule(topic, id, due, null, now.toEpochMilli()));
	}

	@Override
	public boolean cancel(String topic, String id) {
		check(topic, id);
		boolean cancelled = redis("cancel job '" + id + "' of topic '" + topic + "'",
				() -> this.store.cancel(topic, id)).isPresent();
		if (cancelled) {
			this.listener.onCancelled(topic, id);
		}
		return cancelled;
	}

	@Override
	public Optional<DelayedJob> get(String topic, String id) {
		check(topic, id);
		return redis("read job '" + id + "' of topic '" + topic + "'", () -> this.store.get(topic, id));
	}

	@Override
	public List<DelayedJob> deadJobs(String topic, long offset, int limit) {
		JobNames.checkTopic(topic);
		if (offset < 0) {
			throw new InvalidJobException("offset", "must not be negative, was " + offset);
		}
		if (limit < 1 || limit > MAX_PAGE) {
			throw new InvalidJobException("limit", "must be between 1 and " + MAX_PAGE + ", was " + limit);
		}
		return redis("list dead jobs of topic '" + topic + "'", () -> this.store.dead(topic, offset, limit));
	}

	@Override
	public boolean redrive(String topic, String id) {
		check(topic, id);
		return redis("redrive job '" + id + "' of topic '" + topic + "'",
				() -> this.store.reschedule(topic, id, this.clock.millis(), JobState.DEAD, this.clock.millis()))
			.isPresent();
	}

	@Override
	public long redriveAll(String topic) {
		Instant asOf = this.clock.instant();
		long redriven = 0;
		List<String> ids;
		while (!(ids = deadAsOf(topic, asOf)).isEmpty()) {
			for (String id : ids) {
				if (redrive(topic, id)) {
					redriven++;
				}
			}
		}
		return redriven;
	}

	@Override
	public boolean purge(String topic, String id) {
		check(topic, id);
		return redis("purge job '" + id + "' of topic '" + topic + "'",
				() -> this.store.purge(topic, List.of(id))) > 0;
	}

	@Override
	public long purgeAll(String topic) {
		Instant asOf = this.clock.instant();
		long purged = 0;
		List<String> ids;
		while (!(ids = deadAsOf(topic, asOf)).isEmpty()) {
			List<String> page = ids;
			purged += redis("purge dead jobs of topic '" + topic + "'", () -> this.store.purge(topic, page));
		}
		return purged;
	}

	/**
	 * Ids of the oldest dead jobs that died at or before {@code asOf}. Jobs that die while a redrive or purge of
	 * the whole topic runs (a redriven job failing again) are left alone, so the loop ends.
	 */
	private List<String> deadAsOf(String topic, Instant asOf) {
		return deadJobs(topic, 0, MAX_PAGE).stream()
			.filter((job) -> !job.updatedAt().isAfter(asOf))
			.map(DelayedJob::id)
			.toList();
	}

	@Override
	public TopicStats stats(String topic) {
		JobNames.checkTopic(topic);
		return redis("count jobs of topic '" + topic + "'", () -> this.store.stats(topic));
	}

	@Override
	public Set<String> topics() {
		return redis("list topics", () -> this.store.topics(Lane.LOCAL));
	}

	private @Nullable String writeBody(@Nullable Object body) {
		if (body == null) {
			return null;
		}
		byte[] json;
		try {
			json = this.jsonMapper.writeValueAsBytes(body);
		}
		catch (JacksonException ex) {
			throw new InvalidJobException("body", "must be writable as JSON: " + ex.getOriginalMessage());
		}
		if (json.length > this.maxBodyBytes) {
			throw new JobTooLargeException("body", "must be at most " + this.maxBodyBytes + " bytes of JSON, was "
					+ json.length);
		}
		return new String(json, StandardCharsets.UTF_8);
	}

	private static void check(String topic, String id) {
		JobNames.checkTopic(topic);
		JobNames.checkId(id);
	}

	private static <T> T redis(String action, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (DataAccessException ex) {
			String cause = String.valueOf(ex.getMostSpecificCause().getMessage());
			if (cause.contains("OOM command not allowed")) {
				throw new DelayQueueFullException("Could not " + action + ": Redis is full (" + cause.trim()
						+ "); it refuses new jobs until memory is freed, while deliveries, cancels and purges go on", ex);
			}
			throw new DelayQueueUnavailableException("Could not " + action + ": Redis is unavailable (" + cause + ")",
					ex);
		}
	}

}
