package dev.delayqueue.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import dev.delayqueue.RecurringJob;
import dev.delayqueue.RecurringSchedule;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TopicStats;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.observation.DelayQueueObservations;

import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The {@link DelayQueue} on a {@link JobStore}: checks requests, writes bodies as JSON, groups batches by
 * topic and tells the {@link DelayQueueListener}. Inside a Spring-managed transaction, {@code schedule},
 * {@code scheduleAll}, {@code reschedule} and {@code cancel} check their arguments at once and write when it commits
 * ({@link TransactionMode}).
 *
 * @since 0.1.0
 */
public class DefaultDelayQueue implements DelayQueue {

	/** Default largest body, in bytes of JSON. */
	public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

	private static final int MAX_PAGE = 1000;

	private static final Logger logger = LoggerFactory.getLogger(DefaultDelayQueue.class);

	private final JobStore store;

	private final JsonMapper jsonMapper;

	private final DelayQueueListener listener;

	private final Clock clock;

	private final int maxBodyBytes;

	private final int batchSize;

	private final CallbackValidator callbackValidator;

	private DelayQueueObservations observations = DelayQueueObservations.NONE;

	private TransactionMode transactionMode = TransactionMode.AFTER_COMMIT;

	private final RecurringSchedules recurring;

	private @Nullable Outbox outbox;

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
		this.recurring = new RecurringSchedules(store, clock, this::writeBody, callbackValidator);
	}

	/**
	 * Returns the recurring jobs of this queue's store, for declaring them from configuration and keeping their
	 * occurrences.
	 * @return the recurring jobs
	 */
	public RecurringSchedules recurringSchedules() {
		return this.recurring;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The schedule is recorded as declared through the API: an application's {@code delayqueue.recurring.*} properties
	 * do not remove it unless they declare the same name (it is then theirs).
	 */
	@Override
	public Instant scheduleRecurring(RecurringJob job) {
		return this.recurring.declare(job, RecurringDefinition.API);
	}

	@Override
	public List<RecurringSchedule> recurringJobs() {
		return this.recurring.list();
	}

	@Override
	public boolean removeRecurring(String name) {
		return this.recurring.remove(name);
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
		if (this.outbox != null) {
			List<OutboxEntry> entries = new ArrayList<>(ordered.size());
			for (int i = 0; i < ordered.size(); i++) {
				StoredJob job = stored.get(i);
				entries.add(new OutboxEntry(OutboxEntry.Kind.SCHEDULE, ordered.get(i).topic(), job.id(), job.dueAt(),
						ordered.get(i).ifAbsent(), job));
			}
			if (writtenToOutbox(entries)) {
				return Collections.nCopies(ordered.size(), ScheduleResult.AFTER_COMMIT);
			}
		}
		if (afterCommit("schedule " + ordered.size() + " job(s)", () -> write(ordered, stored, positionsByTopic))) {
			return Collections.nCopies(ordered.size(), ScheduleResult.AFTER_COMMIT);
		}
		return write(ordered, stored, positionsByTopic);
	}

	/** Writes checked requests, grouped by topic, and tells the listener. */
	private List<ScheduleResult> write(List<JobRequest> ordered, List<StoredJob> stored,
			Map<String, List<Integer>> positionsByTopic) {
		Instant now = this.clock.instant();
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

	/**
	 * {@inheritDoc}
	 * <p>
	 * Inside a Spring-managed transaction (with {@link TransactionMode#AFTER_COMMIT}) the job is moved when the
	 * transaction commits; the state returned is the one it has now.
	 */
	@Override
	public Optional<JobState> reschedule(String topic, String id, Instant dueAt) {
		check(topic, id);
		long due = DueTime.at("dueAt", dueAt, this.clock.instant()).toEpochMilli();
		Supplier<Optional<JobState>> write = () -> redis("reschedule job '" + id + "' of topic '" + topic + "'",
				() -> this.store.reschedule(topic, id, due, null, this.clock.millis()));
		if (writtenToOutbox(List.of(new OutboxEntry(OutboxEntry.Kind.RESCHEDULE, topic, id, due, false, null)))) {
			return stateNowIfReachable(topic, id);
		}
		if (afterCommit("reschedule job '" + id + "' of topic '" + topic + "'", write::get)) {
			return get(topic, id).map(DelayedJob::state);
		}
		return write.get();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Inside a Spring-managed transaction (with {@link TransactionMode#AFTER_COMMIT}) the job is cancelled when the
	 * transaction commits; the value returned says whether it exists now.
	 */
	@Override
	public boolean cancel(String topic, String id) {
		check(topic, id);
		Supplier<Boolean> write = () -> {
			boolean cancelled = redis("cancel job '" + id + "' of topic '" + topic + "'",
					() -> this.store.cancel(topic, id)).isPresent();
			if (cancelled) {
				this.listener.onCancelled(topic, id);
			}
			return cancelled;
		};
		if (writtenToOutbox(List.of(new OutboxEntry(OutboxEntry.Kind.CANCEL, topic, id, 0, false, null)))) {
			return stateNowIfReachable(topic, id).isPresent();
		}
		if (afterCommit("cancel job '" + id + "' of topic '" + topic + "'", write::get)) {
			return get(topic, id).isPresent();
		}
		return write.get();
	}

	/**
	 * Sets the outbox that {@code schedule}, {@code scheduleAll}, {@code reschedule} and {@code cancel} write to
	 * inside a transaction of its database (with {@link TransactionMode#AFTER_COMMIT}); none by default.
	 * @param outbox the outbox, or {@code null}
	 */
	public void setOutbox(@Nullable Outbox outbox) {
		this.outbox = outbox;
	}

	/**
	 * Makes a change the outbox's relay read, once per request: the relay may send it again after a crash, and a
	 * change made again could undo a later one (a cancel repeated after the job was scheduled anew). Tells the
	 * listeners.
	 * @param entry the change
	 * @param requestId the id of its outbox row, unique across rows
	 * @param window how long the store remembers that a request was made
	 * @throws DelayQueueUnavailableException when Redis cannot be reached (the relay tries again later)
	 */
	public void applyOutboxEntry(OutboxEntry entry, String requestId, Duration window) {
		String what = entry.kind().name().toLowerCase(java.util.Locale.ROOT) + " job '" + entry.id() + "' of topic '"
				+ entry.topic() + "' from the outbox";
		switch (entry.kind()) {
			case SCHEDULE -> {
				StoredJob job = entry.job();
				Optional<ScheduleResult> result = redis(what, () -> this.store.scheduleOnce(entry.topic(), job,
						entry.ifAbsent(), requestId, window, this.clock.millis()));
				result.ifPresent((r) -> this.listener.onScheduled(entry.topic(), entry.id(),
						Instant.ofEpochMilli(job.dueAt()), r));
			}
			case RESCHEDULE -> redis(what, () -> this.store.rescheduleOnce(entry.topic(), entry.id(), entry.dueAt(),
					requestId, window, this.clock.millis()));
			case CANCEL -> {
				if (redis(what, () -> this.store.cancelOnce(entry.topic(), entry.id(), requestId, window))
					.state() != null) {
					this.listener.onCancelled(entry.topic(), entry.id());
				}
			}
		}
	}

	/**
	 * Writes changes to the outbox when there is one, the mode defers writes, and a transaction of its database is
	 * active.
	 * @return whether they were written there
	 */
	private boolean writtenToOutbox(List<OutboxEntry> entries) {
		Outbox box = this.outbox;
		return box != null && this.transactionMode == TransactionMode.AFTER_COMMIT && box.write(entries);
	}

	/**
	 * What a job is now, for a change written to the outbox: read from Redis, or empty when Redis cannot be reached
	 * (the change is in the outbox all the same, and the transaction goes on).
	 */
	private Optional<JobState> stateNowIfReachable(String topic, String id) {
		try {
			return get(topic, id).map(DelayedJob::state);
		}
		catch (DelayQueueUnavailableException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Sets when calls inside a Spring-managed transaction write to Redis; {@link TransactionMode#AFTER_COMMIT} by
	 * default.
	 * @param transactionMode the mode
	 */
	public void setTransactionMode(TransactionMode transactionMode) {
		this.transactionMode = transactionMode;
	}

	/**
	 * Defers a write to the commit of the active transaction, if there is one and the mode says so.
	 * @return whether it was deferred
	 */
	private boolean afterCommit(String what, Runnable write) {
		if (this.transactionMode != TransactionMode.AFTER_COMMIT
				|| !TransactionSynchronizationManager.isSynchronizationActive()
				|| !TransactionSynchronizationManager.isActualTransactionActive()) {
			return false;
		}
		AfterCommit pending = null;
		for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
			if (synchronization instanceof AfterCommit mine && mine.queue == this) {
				pending = mine;
			}
		}
		if (pending == null) {
			pending = new AfterCommit(this);
			TransactionSynchronizationManager.registerSynchronization(pending);
		}
		pending.writes.add(new PendingWrite(what, write));
		return true;
	}

	private record PendingWrite(String what, Runnable write) {

	}

	/**
	 * The writes one transaction deferred, made in call order once it committed; dropped when it rolls back, and
	 * those made after a savepoint when it rolls back to it. A write added while they are being made (by a listener,
	 * or by another synchronization's after-commit work) is made too, at the latest when the transaction completes.
	 * A write that fails is logged at error with what it was (the transaction's data is committed, the job is not)
	 * and the others are made; the first failure is thrown to the caller of the commit when no other synchronization
	 * follows this one (Spring would skip their after-commit work), else logged only.
	 */
	private static final class AfterCommit implements TransactionSynchronization {

		private final DefaultDelayQueue queue;

		private final List<PendingWrite> writes = new ArrayList<>();

		/** How many writes there were when each savepoint was made (savepoints made before this existed: none). */
		private final Map<Object, Integer> savepoints = new IdentityHashMap<>();

		AfterCommit(DefaultDelayQueue queue) {
			this.queue = queue;
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

		@Override
		public void savepoint(Object savepoint) {
			this.savepoints.put(savepoint, this.writes.size());
		}

		@Override
		public void savepointRollback(Object savepoint) {
			int keep = this.savepoints.getOrDefault(savepoint, 0);
			this.writes.subList(Math.min(keep, this.writes.size()), this.writes.size()).clear();
		}

		@Override
		public void afterCommit() {
			RuntimeException failure = writeAll();
			if (failure != null) {
				List<TransactionSynchronization> all = TransactionSynchronizationManager.getSynchronizations();
				if (all.isEmpty() || all.get(all.size() - 1) == this) {
					throw failure;
				}
			}
		}

		@Override
		public void afterCompletion(int status) {
			if (status == STATUS_COMMITTED) {
				writeAll(); // writes added after afterCommit ran; failures are logged, Spring would only log them too
			}
			this.writes.clear();
			this.savepoints.clear();
		}

		/** Makes the pending writes, those added meanwhile included; returns the first failure, others suppressed. */
		private @Nullable RuntimeException writeAll() {
			RuntimeException first = null;
			for (int i = 0; i < this.writes.size(); i++) {
				PendingWrite pending = this.writes.get(i);
				try {
					pending.write().run();
				}
				catch (RuntimeException ex) {
					logger.error("delayqueue could not {} after the transaction committed: the transaction's data is "
							+ "committed, this change to the jobs is not ({})", pending.what(), ex.toString());
					if (first == null) {
						first = ex;
					}
					else {
						first.addSuppressed(ex);
					}
				}
			}
			this.writes.clear();
			return first;
		}

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

	static <T> T redis(String action, Supplier<T> call) {
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
