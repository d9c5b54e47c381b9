package dev.delayqueue.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobState;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TopicStats;
import dev.delayqueue.store.ClaimResult;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.InstanceInfo;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.Lease;
import dev.delayqueue.store.Occurrence;
import dev.delayqueue.store.OnceOutcome;
import dev.delayqueue.store.OccurrenceUpsert;
import dev.delayqueue.store.Outcome;
import dev.delayqueue.store.Recurred;
import dev.delayqueue.store.StoredJob;
import dev.delayqueue.store.TopicPartition;
import dev.delayqueue.store.TopicSnapshot;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Jobs in Redis. Every change of a job's state is one Lua script (in {@code dev/delayqueue/redis/*.lua}) touching
 * only keys of one topic; see {@link JobKeys} for the layout. Reads are plain commands. Redis errors surface as
 * Spring's {@link DataAccessException}.
 *
 * @since 0.1.0
 */
public class RedisJobStore implements JobStore {

	/**
	 * Command timeout the auto-configuration gives Lettuce when the application sets none: an unreachable Redis
	 * fails calls within it.
	 */
	public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

	private static final RedisScript<List> SCHEDULE = LuaScripts.load("schedule", List.class);

	private static final RedisScript<List> CLAIM = LuaScripts.load("claim", List.class);

	private static final RedisScript<List> COMPLETE = LuaScripts.load("complete", List.class);

	private static final RedisScript<List> FAIL = LuaScripts.load("fail", List.class);

	private static final RedisScript<List> EXTEND = LuaScripts.load("extend", List.class);

	private static final RedisScript<String> CANCEL = LuaScripts.load("cancel", String.class);

	private static final RedisScript<String> RESCHEDULE = LuaScripts.load("reschedule", String.class);

	private static final RedisScript<Long> PURGE = LuaScripts.load("purge", Long.class);

	private static final RedisScript<Long> SCHEDULE_ONCE = LuaScripts.load("schedule-once", Long.class);

	private static final RedisScript<List> OCCURRENCE = LuaScripts.load("occurrence", List.class);

	private static final RedisScript<String> DROP_OCCURRENCE = LuaScripts.load("drop-occurrence", String.class);

	private static final RedisScript<List> RECUR = LuaScripts.load("recur", List.class);

	/**
	 * Adds to the dashboard's counters of one minute and renews their expiry: KEYS[1] the minute's hash, ARGV[1] time
	 * to live (ms), then counter name and amount pairs. Statistics, not job state: it lives here, not among the job
	 * scripts.
	 */
	private static final RedisScript<Long> ADD_MINUTE_COUNTS = RedisScript.of("""
			for i = 2, #ARGV, 2 do
			  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
			end
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return 1
			""", Long.class);

	/** The most jobs scheduled one at a time that one script call writes together. */
	static final int GROUP_COMMIT_MAX_JOBS = 100;

	/** How long past its expiry an instance's index entry may stay before a heartbeat drops it. */
	private static final Duration STALE_INSTANCE_MARGIN = Duration.ofMinutes(1);

	private final StringRedisTemplate redis;

	private final JobKeys keys;

	private final PartitionCounts partitions;

	private final TopicRegistry registry;

	/**
	 * Writes and reads that must not hold up the caller: the topic registry, the partition record when merely old,
	 * announcements of new partitions. One daemon thread, ended when idle.
	 */
	private final ThreadPoolExecutor background = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(10_000), (task) -> {
				Thread thread = new Thread(task, "delayqueue-store-background");
				thread.setDaemon(true);
				return thread;
			}, new ThreadPoolExecutor.DiscardPolicy());

	/** How long the client waits for Redis: also the wait for reads sent together. */
	private final Duration commandTimeout;

	/** Runs the scripts that must reach replicas before they return; {@code null} when none must. */
	private final @Nullable ReplicatedScripts replicated;

	/** Whether announcements go over sharded pub/sub; asked of Redis on first use ({@code null} before). */
	private volatile @Nullable Boolean sharded;

	/**
	 * Partitions and lanes this instance has written, in sharded mode: the first write of each is also announced
	 * on the classic channel, so workers that do not watch the partition yet (a new topic for a callback
	 * dispatcher, a partition of a new count) learn of it at once.
	 */
	private final Set<String> announcedBirths = ConcurrentHashMap.newKeySet();

	/**
	 * Single jobs scheduled at the same time by several threads, written by one script call per partition and mode
	 * (group commit): many callers each scheduling one job cost Redis one script call per round trip, not one each.
	 */
	private final GroupCommit<GroupKey, Scheduled, ScheduleResult> groupCommit = new GroupCommit<>(
			this::scheduleGroup, GROUP_COMMIT_MAX_JOBS);

	/** Candidates the last claim of each partition and lane saw due, for the next claim (look-ahead). */
	private final Map<String, Candidates> lookAhead = new ConcurrentHashMap<>();

	/**
	 * Creates a store whose topics have one partition each.
	 * @param redis a template on the application's connection factory
	 * @param keys the key layout
	 */
	public RedisJobStore(StringRedisTemplate redis, JobKeys keys) {
		this(redis, keys, (topic) -> 1);
	}

	/**
	 * Creates a store.
	 * @param redis a template on the application's connection factory
	 * @param keys the key layout
	 * @param partitionCounts the partition count this instance schedules new jobs of each topic with (at least 1)
	 */
	public RedisJobStore(StringRedisTemplate redis, JobKeys keys, ToIntFunction<String> partitionCounts) {
		this(redis, keys, partitionCounts, 0, Duration.ZERO, DEFAULT_COMMAND_TIMEOUT);
	}

	/**
	 * Creates a store whose writes that schedule, reschedule, cancel and end a delivery return only once a number
	 * of replicas have them ({@code WAIT}); needs Lettuce.
	 * @param redis a template on the application's connection factory
	 * @param keys the key layout
	 * @param partitionCounts the partition count this instance schedules new jobs of each topic with (at least 1)
	 * @param waitForReplicas how many replicas must acknowledge those writes; 0 for none
	 * @param waitTimeout how long to wait for them before {@link dev.delayqueue.DelayQueueNotReplicatedException}
	 * @param commandTimeout the client's command timeout
	 */
	public RedisJobStore(StringRedisTemplate redis, JobKeys keys, ToIntFunction<String> partitionCounts,
			int waitForReplicas, Duration waitTimeout, Duration commandTimeout) {
		if (waitForReplicas < 0) {
			throw new IllegalArgumentException("wait-for-replicas must be 0 or more, was " + waitForReplicas);
		}
		if (waitForReplicas > 0 && (waitTimeout.isNegative() || waitTimeout.isZero()
				|| waitTimeout.compareTo(commandTimeout) >= 0)) {
			throw new IllegalArgumentException("wait-timeout must be positive and shorter than the command timeout ("
					+ commandTimeout + "), was " + waitTimeout);
		}
		if (waitForReplicas > 0 && !(redis.getConnectionFactory() instanceof LettuceConnectionFactory)) {
			throw new IllegalArgumentException("wait-for-replicas needs Lettuce; the connection factory is "
					+ redis.getConnectionFactory());
		}
		this.redis = redis;
		this.keys = keys;
		this.commandTimeout = commandTimeout;
		this.partitions = new PartitionCounts(redis, keys, partitionCounts, this.background);
		this.registry = new TopicRegistry(redis, keys, this.background);
		this.replicated = (waitForReplicas > 0) ? new ReplicatedScripts(
				(LettuceConnectionFactory) redis.getConnectionFactory(), waitForReplicas, waitTimeout, commandTimeout)
				: null;
	}

	/**
	 * Returns the key layout.
	 * @return the keys
	 */
	public JobKeys keys() {
		return this.keys;
	}

	@Override
	public List<ScheduleResult> schedule(String topic, List<StoredJob> jobs, boolean ifAbsent, long now) {
		this.registry.register(topic, jobs.stream().anyMatch((job) -> job.lane() == Lane.HTTP));
		List<TopicPartition> targets = targets(topic, jobs);
		if (jobs.size() == 1) {
			return List.of(this.groupCommit.write(new GroupKey(targets.get(0), ifAbsent), new Scheduled(jobs.get(0), now)));
		}
		Map<TopicPartition, List<Integer>> byPartition = new LinkedHashMap<>();
		for (int i = 0; i < jobs.size(); i++) {
			byPartition.computeIfAbsent(targets.get(i), (p) -> new ArrayList<>()).add(i);
		}
		ScheduleResult[] results = new ScheduleResult[jobs.size()];
		for (Map.Entry<TopicPartition, List<Integer>> entry : byPartition.entrySet()) {
			List<StoredJob> part = entry.getValue().stream().map(jobs::get).toList();
			List<ScheduleResult> partResults = schedulePartition(entry.getKey(), part, ifAbsent, now);
			for (int k = 0; k < part.size(); k++) {
				results[entry.getValue().get(k)] = partResults.get(k);
			}
			announceBirths(entry.getKey(), part);
		}
		return List.of(results);
	}

	/** One call of the group commit: the jobs of one partition and mode, as the latest of their callers' times. */
	private List<ScheduleResult> scheduleGroup(GroupKey key, List<Scheduled> items) {
		List<StoredJob> jobs = new ArrayList<>(items.size());
		long now = Long.MIN_VALUE;
		for (Scheduled item : items) {
			jobs.add(item.job());
			now = Math.max(now, item.now());
		}
		List<ScheduleResult> results = schedulePartition(key.partition(), jobs, key.ifAbsent(), now);
		announceBirths(key.partition(), jobs);
		return results;
	}

	/** What the jobs of one group commit call share. */
	private record GroupKey(TopicPartition partition, boolean ifAbsent) {
	}

	/** A job scheduled on its own, and its caller's time. */
	private record Scheduled(StoredJob job, long now) {
	}

	/**
	 * The partition each job is written to: where a job of that id already is (a job stays in the partition it was
	 * created in), else its partition under this instance's count.
	 */
	private List<TopicPartition> targets(String topic, List<StoredJob> jobs) {
		List<List<TopicPartition>> places = new ArrayList<>(jobs.size());
		boolean elsewhere = false;
		for (StoredJob job : jobs) {
			List<TopicPartition> locations = this.partitions.locations(topic, job.id(), false);
			places.add(locations);
			elsewhere |= locations.size() > 1;
		}
		List<TopicPartition> targets = new ArrayList<>(jobs.size());
		if (!elsewhere) {
			places.forEach((locations) -> targets.add(locations.get(0)));
			return targets;
		}
		Reads probes = Reads.of();
		for (int i = 0; i < jobs.size(); i++) {
			for (TopicPartition location : places.get(i).subList(1, places.get(i).size())) {
				probes.exists(this.keys.job(location, jobs.get(i).id()));
			}
		}
		List<Object> exists = probes.run(this.redis, this.commandTimeout);
		int probe = 0;
		for (int i = 0; i < jobs.size(); i++) {
			TopicPartition target = places.get(i).get(0);
			for (TopicPartition location : places.get(i).subList(1, places.get(i).size())) {
				if (Boolean.TRUE.equals(exists.get(probe++)) && target == places.get(i).get(0)) {
					target = location;
				}
			}
			targets.add(target);
		}
		return targets;
	}

	private List<ScheduleResult> schedulePartition(TopicPartition partition, List<StoredJob> jobs, boolean ifAbsent,
			long now) {
		List<String> keys = new ArrayList<>(4 + jobs.size());
		keys.addAll(this.keys.sets(partition));
		List<String> args = new ArrayList<>(7 + jobs.size() * 8);
		args.addAll(announceArgs(partition));
		args.addAll(List.of(Long.toString(now), ifAbsent ? "nx" : "replace", Integer.toString(jobs.size())));
		for (StoredJob job : jobs) {
			keys.add(this.keys.job(partition, job.id()));
			List<String> fields = JobFields.write(job);
			args.add(job.id());
			args.add(Long.toString(job.dueAt()));
			args.add(job.lane().wireName());
			args.add(Integer.toString(fields.size() / 2));
			args.addAll(fields);
		}
		List<?> codes = (List<?>) executeReplicated(SCHEDULE, keys, args);
		List<ScheduleResult> results = new ArrayList<>(codes.size());
		for (Object code : codes) {
			results.add(scheduleResult(((Number) code).intValue()));
		}
		return results;
	}

	/** What a scheduling script's code for one job says: see schedule.lua (and the include "pending"). */
	private static ScheduleResult scheduleResult(int code) {
		return switch (code) {
			case 1 -> ScheduleResult.CREATED;
			case 2 -> ScheduleResult.REPLACED_PENDING;
			case 3 -> ScheduleResult.REPLACED_IN_FLIGHT;
			case 4 -> ScheduleResult.REPLACED_DEAD;
			default -> ScheduleResult.ALREADY_EXISTS;
		};
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Every key the claim script touches is declared, so it needs the candidates' ids before it runs: the previous
	 * claim of the partition and lane returned them (a look-ahead of the jobs due up to a second after its next due
	 * time); without them, or when they were taken meanwhile, a first call claims nothing and returns them, and a
	 * second call claims. So a lane takes one call per batch while its jobs keep coming, and an idle one a call
	 * that writes nothing.
	 */
	@Override
	public ClaimResult claim(TopicPartition partition, Lane lane, long now, int limit, long leaseMillis,
			String tokenBase) {
		return claim(partition, lane, now, limit, leaseMillis, tokenBase, 0, 1);
	}

	@Override
	public ClaimResult claim(TopicPartition partition, Lane lane, long now, int limit, long leaseMillis,
			String tokenBase, double ratePerSecond, int burst) {
		if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond) || burst < 1) {
			throw new IllegalArgumentException("ratePerSecond must be 0 or more and burst at least 1, were "
					+ ratePerSecond + " and " + burst);
		}
		String hintKey = partition + "\n" + lane.wireName();
		Candidates hint = this.lookAhead.remove(hintKey);
		List<String> expired = new ArrayList<>();
		List<ClaimedJob> jobs = new ArrayList<>();
		Rate rate = new Rate(ratePerSecond, burst);
		List<?> result = claimCall(partition, lane, now, limit, leaseMillis, tokenBase, hint, rate);
		collect(partition, result, expired, jobs);
		Candidates found = candidates(result);
		boolean rateLimited = score(result.get(6)).isPresent();
		boolean dueUnclaimed = jobs.isEmpty() && !rateLimited
				&& score(result.get(2)).orElse(Long.MAX_VALUE) <= now;
		boolean expiryUnknown = (hint == null || hint.expired().isEmpty()) && !found.expired().isEmpty();
		if ((dueUnclaimed && !found.isEmpty()) || expiryUnknown) {
			// jobs are due but none was claimed (no candidates were known, or others took them), or leases ran out
			// that the call was not told of (a worker died): a second call with what the first one learnt; what the
			// first claimed is kept whatever happens to the second
			try {
				result = claimCall(partition, lane, now, limit - jobs.size(), leaseMillis, tokenBase + "b", found, rate);
				collect(partition, result, expired, jobs);
			}
			catch (RuntimeException ex) {
				if (jobs.isEmpty() && expired.isEmpty()) {
					throw ex;
				}
			}
		}
		Candidates next = candidates(result);
		if (!next.isEmpty()) {
			this.lookAhead.put(hintKey, next);
		}
		return new ClaimResult(expired, jobs, score(result.get(2)), score(result.get(3)), score(result.get(6)));
	}

	/** A partition's rate limit: claims a second (0 for none) and the most at once. */
	private record Rate(double perSecond, int burst) {

	}

	/** Adds what one claim call recovered and claimed. */
	private static void collect(TopicPartition partition, List<?> result, List<String> expired, List<ClaimedJob> jobs) {
		expired.addAll(strings(result.get(0)));
		List<?> rawJobs = (List<?>) result.get(1);
		for (int i = 0; i + 1 < rawJobs.size(); i += 2) {
			Map<String, String> fields = toMap(rawJobs.get(i + 1));
			DelayedJob job = JobFields.read(partition.topic(), (String) rawJobs.get(i), fields);
			jobs.add(new ClaimedJob(partition, job, fields.get("token"), Long.parseLong(fields.get("lease")),
					fields.get("trace"), JobFields.occurrence(fields)));
		}
	}

	private List<?> claimCall(TopicPartition partition, Lane lane, long now, int limit, long leaseMillis,
			String tokenBase, @Nullable Candidates candidates, Rate rate) {
		List<String> expired = (candidates != null) ? candidates.expired() : List.of();
		List<String> due = (candidates != null) ? candidates.due() : List.of();
		List<String> keys = new ArrayList<>(4 + expired.size() + due.size());
		keys.addAll(this.keys.sets(partition));
		List<String> args = new ArrayList<>(10 + expired.size() + due.size());
		args.addAll(announceArgs(partition));
		args.addAll(List.of(Long.toString(now), Integer.toString(limit), Long.toString(leaseMillis), tokenBase,
				lane.wireName(), Integer.toString(expired.size()), Double.toString(rate.perSecond()),
				Integer.toString(rate.burst())));
		for (String id : expired) {
			keys.add(this.keys.job(partition, id));
			args.add(id);
		}
		for (String id : due) {
			keys.add(this.keys.job(partition, id));
			args.add(id);
		}
		if (rate.perSecond() > 0) {
			keys.add(this.keys.rate(partition));
		}
		return execute(CLAIM, keys, args);
	}

	private static Candidates candidates(List<?> claimResult) {
		return new Candidates(strings(claimResult.get(5)), strings(claimResult.get(4)));
	}

	@Override
	public List<String> complete(TopicPartition partition, List<Lease> leases) {
		List<String> keys = new ArrayList<>(4 + leases.size());
		keys.addAll(this.keys.sets(partition));
		List<String> args = new ArrayList<>(leases.size() * 2);
		for (Lease lease : leases) {
			keys.add(this.keys.job(partition, lease.id()));
			args.add(lease.id());
			args.add(lease.token());
		}
		return strings(executeReplicated(COMPLETE, keys, args));
	}

	@Override
	public List<String> fail(TopicPartition partition, Lane lane, List<Outcome> outcomes, long now) {
		List<String> keys = new ArrayList<>(4 + outcomes.size());
		keys.addAll(this.keys.sets(partition));
		List<String> args = new ArrayList<>(6 + outcomes.size() * 5);
		args.addAll(announceArgs(partition));
		args.addAll(List.of(Long.toString(now), lane.wireName()));
		for (Outcome outcome : outcomes) {
			keys.add(this.keys.job(partition, outcome.lease().id()));
			args.add(outcome.lease().id());
			args.add(outcome.lease().token());
			// next due (-1 for dead), attempt refund, error text
			if (outcome instanceof Outcome.Retry retry) {
				args.addAll(List.of(Long.toString(retry.dueAt()), retry.countAttempt() ? "0" : "1", retry.error()));
			}
			else if (outcome instanceof Outcome.Dead dead) {
				args.addAll(List.of("-1", dead.countAttempt() ? "0" : "1", dead.error()));
			}
			else if (outcome instanceof Outcome.Release release) {
				args.addAll(List.of(Long.toString(release.dueAt()), "1", ""));
			}
		}
		return strings(executeReplicated(FAIL, keys, args));
	}

	@Override
	public Optional<ScheduleResult> scheduleOnce(String topic, StoredJob job, boolean ifAbsent, String requestId,
			Duration window, long now) {
		this.registry.register(topic, job.lane() == Lane.HTTP);
		TopicPartition partition = targets(topic, List.of(job)).get(0);
		List<String> keys = jobKeys(partition, job.id());
		keys.add(this.keys.request(partition, requestId));
		List<String> fields = JobFields.write(job);
		List<String> args = new ArrayList<>(announceArgs(partition));
		args.addAll(List.of(Long.toString(now), ifAbsent ? "nx" : "replace", markerMillis(window), job.id(),
				Long.toString(job.dueAt()), job.lane().wireName(), Integer.toString(fields.size() / 2)));
		args.addAll(fields);
		Long code = (Long) executeReplicated(SCHEDULE_ONCE, keys, args);
		announceBirths(partition, List.of(job));
		// -1: the request was made before
		return (code == null || code == -1) ? Optional.empty() : Optional.of(scheduleResult(code.intValue()));
	}

	/** How long a request's marker lives, as the scripts take it: ms, at least 1. */
	private static String markerMillis(Duration window) {
		return Long.toString(Math.max(1, window.toMillis()));
	}

	@Override
	public OnceOutcome cancelOnce(String topic, String id, String requestId, Duration window) {
		return once(topic, id, (partition, markIfAbsent) -> {
			List<String> keys = jobKeys(partition, id);
			keys.add(this.keys.request(partition, requestId));
			return (String) executeReplicated(CANCEL, keys,
					List.of(id, markerMillis(window), markIfAbsent ? "1" : "0"));
		});
	}

	@Override
	public OnceOutcome rescheduleOnce(String topic, String id, long dueAt, String requestId, Duration window,
			long now) {
		return once(topic, id, (partition, markIfAbsent) -> {
			List<String> keys = jobKeys(partition, id);
			keys.add(this.keys.request(partition, requestId));
			List<String> args = new ArrayList<>(announceArgs(partition));
			args.addAll(List.of(Long.toString(now), id, Long.toString(dueAt), "", markerMillis(window),
					markIfAbsent ? "1" : "0"));
			return (String) executeReplicated(RESCHEDULE, keys, args);
		});
	}

	/**
	 * Runs a change made once per request on the partitions that may hold the job until one has it (or its marker);
	 * the last one records the request even when no partition has the job, so that a job scheduled later is not
	 * changed by the same request made again.
	 */
	private OnceOutcome once(String topic, String id, OnceCall call) {
		List<TopicPartition> locations = this.partitions.locations(topic, id, true);
		for (int i = 0; i < locations.size(); i++) {
			String reply = call.run(locations.get(i), i == locations.size() - 1);
			if ("applied".equals(reply)) {
				return OnceOutcome.APPLIED_BEFORE;
			}
			if (reply != null) {
				return new OnceOutcome(false, state(reply));
			}
		}
		return new OnceOutcome(false, null);
	}

	/** One partition's try of a change made once: the script's reply. */
	@FunctionalInterface
	private interface OnceCall {

		@Nullable String run(TopicPartition partition, boolean markIfAbsent);

	}

	@Override
	public Map<String, String> recurringDefinitions() {
		return stringMap(this.redis.opsForHash().entries(this.keys.recurring()));
	}

	@Override
	public Map<String, String> recurringDefinitions(Collection<String> names) {
		List<String> ordered = List.copyOf(names);
		if (ordered.isEmpty()) {
			return Map.of();
		}
		List<Object> values = this.redis.opsForHash().multiGet(this.keys.recurring(), List.<Object>copyOf(ordered));
		Map<String, String> found = new LinkedHashMap<>();
		for (int i = 0; i < ordered.size(); i++) {
			if (values.get(i) != null) {
				found.put(ordered.get(i), (String) values.get(i));
			}
		}
		return found;
	}

	@Override
	public void saveRecurringDefinition(String name, String definition) {
		this.redis.opsForHash().put(this.keys.recurring(), name, definition);
	}

	@Override
	public boolean deleteRecurringDefinition(String name) {
		Long deleted = this.redis.opsForHash().delete(this.keys.recurring(), name);
		return deleted != null && deleted > 0;
	}

	@Override
	public OccurrenceUpsert upsertOccurrence(String topic, Occurrence occurrence, StoredJob job, long now) {
		if (!job.id().equals(occurrence.schedule()) || job.dueAt() != occurrence.at()) {
			throw new IllegalArgumentException("The job of an occurrence has the schedule's name as id and is due at "
					+ "the occurrence's time");
		}
		this.registry.register(topic, job.lane() == Lane.HTTP);
		TopicPartition partition = targets(topic, List.of(job)).get(0);
		List<String> fields = JobFields.write(job, occurrence);
		List<String> args = new ArrayList<>(announceArgs(partition));
		args.addAll(List.of(Long.toString(now), job.id(), occurrence.schedule(), occurrence.version(),
				Long.toString(occurrence.at()), job.lane().wireName(), Integer.toString(fields.size() / 2)));
		args.addAll(fields);
		List<?> reply = (List<?>) executeReplicated(OCCURRENCE, jobKeys(partition, job.id()), args);
		announceBirths(partition, List.of(job));
		OccurrenceUpsert.Kind kind = switch (((Number) reply.get(0)).intValue()) {
			case 1 -> OccurrenceUpsert.Kind.CREATED;
			case 2 -> OccurrenceUpsert.Kind.MOVED;
			case 3 -> OccurrenceUpsert.Kind.KEPT;
			case 4 -> OccurrenceUpsert.Kind.CONFLICT;
			default -> OccurrenceUpsert.Kind.UNCHANGED;
		};
		return new OccurrenceUpsert(kind, Long.parseLong(String.valueOf(reply.get(1))), state((String) reply.get(2)));
	}

	@Override
	public Optional<JobState> dropOccurrence(String topic, String schedule) {
		return byId(topic, schedule, (partition) -> (String) executeReplicated(DROP_OCCURRENCE,
				jobKeys(partition, schedule), List.of(schedule, schedule)))
			.map(RedisJobStore::state);
	}

	@Override
	public List<String> recur(TopicPartition partition, List<Recurred> outcomes, long now) {
		List<String> keys = new ArrayList<>(4 + 2 * outcomes.size());
		keys.addAll(this.keys.sets(partition));
		List<String> args = new ArrayList<>(announceArgs(partition));
		args.addAll(List.of(Long.toString(now), Integer.toString(outcomes.size())));
		for (Recurred outcome : outcomes) {
			String id = outcome.lease().id();
			boolean dead = outcome.deadError() != null;
			String deadId = dead ? outcome.occurrence().deadId() : "";
			keys.add(this.keys.job(partition, id));
			// declared even when unused, so that every outcome takes two keys
			keys.add(this.keys.job(partition, outcome.occurrence().deadId()));
			args.addAll(List.of(id, outcome.lease().token(), deadId, (dead && !outcome.countAttempt()) ? "1" : "0",
					dead ? outcome.deadError() : ""));
			StoredJob nextJob = outcome.nextJob();
			Occurrence next = outcome.next();
			if (nextJob == null || next == null) {
				args.addAll(List.of("-1", "local", "0"));
			}
			else {
				List<String> fields = JobFields.write(nextJob, next);
				args.addAll(List.of(Long.toString(next.at()), nextJob.lane().wireName(),
						Integer.toString(fields.size() / 2)));
				args.addAll(fields);
			}
		}
		return strings(executeReplicated(RECUR, keys, args));
	}

	@Override
	public List<String> extend(TopicPartition partition, List<Lease> leases, long leaseEnd) {
		List<String> keys = new ArrayList<>(4 + leases.size());
		keys.addAll(this.keys.sets(partition));
		List<String> args = new ArrayList<>(1 + leases.size() * 2);
		args.add(Long.toString(leaseEnd));
		for (Lease lease : leases) {
			keys.add(this.keys.job(partition, lease.id()));
			args.add(lease.id());
			args.add(lease.token());
		}
		return strings(execute(EXTEND, keys, args));
	}

	@Override
	public Optional<JobState> cancel(String topic, String id) {
		return byId(topic, id, (partition) -> (String) executeReplicated(CANCEL, jobKeys(partition, id), List.of(id)))
			.map(RedisJobStore::state);
	}

	@Override
	public Optional<JobState> reschedule(String topic, String id, long dueAt, @Nullable JobState requiredState,
			long now) {
		return byId(topic, id, (partition) -> {
			List<String> args = new ArrayList<>(announceArgs(partition));
			args.addAll(List.of(Long.toString(now), id, Long.toString(dueAt),
					(requiredState != null) ? stored(requiredState) : ""));
			return (String) executeReplicated(RESCHEDULE, jobKeys(partition, id), args);
		}).map(RedisJobStore::state);
	}

	@Override
	public Optional<DelayedJob> get(String topic, String id) {
		return byId(topic, id, (partition) -> {
			Map<Object, Object> fields = this.redis.opsForHash().entries(this.keys.job(partition, id));
			return fields.isEmpty() ? null : JobFields.read(topic, id, stringMap(fields));
		});
	}

	/**
	 * Runs an operation on the partitions that may hold the job until one finds it (returns non-null): its
	 * partition under this instance's count first, then under the topic's other counts.
	 */
	private <T> Optional<T> byId(String topic, String id, Function<TopicPartition, @Nullable T> operation) {
		Set<TopicPartition> looked = new HashSet<>();
		for (boolean afterMiss : new boolean[] { false, true }) {
			for (TopicPartition partition : this.partitions.locations(topic, id, afterMiss)) {
				if (looked.add(partition)) {
					T found = operation.apply(partition);
					if (found != null) {
						return Optional.of(found);
					}
				}
			}
		}
		return Optional.empty();
	}

	@Override
	public List<DelayedJob> dead(String topic, long offset, int limit) {
		List<TopicPartition> all = this.partitions.all(topic);
		// the first offset + limit of each partition, merged by time of death
		Reads rangeReads = Reads.of();
		all.forEach((partition) -> rangeReads.zRangeWithScores(this.keys.dead(partition), 0, offset + limit - 1));
		List<Object> ranges = rangeReads.run(this.redis, this.commandTimeout);
		record Dead(TopicPartition partition, String id, double died) {
		}
		List<Dead> merged = new ArrayList<>();
		for (int p = 0; p < all.size(); p++) {
			for (Object entry : (List<?>) ranges.get(p)) {
				Map.Entry<?, ?> scored = (Map.Entry<?, ?>) entry;
				merged.add(new Dead(all.get(p), (String) scored.getKey(), (Double) scored.getValue()));
			}
		}
		merged.sort(Comparator.comparingDouble(Dead::died));
		List<Dead> page = merged.subList((int) Math.min(offset, merged.size()),
				(int) Math.min(offset + limit, merged.size()));
		if (page.isEmpty()) {
			return List.of();
		}
		Reads hashReads = Reads.of();
		page.forEach((dead) -> hashReads.hGetAll(this.keys.job(dead.partition(), dead.id())));
		List<Object> hashes = hashReads.run(this.redis, this.commandTimeout);
		List<DelayedJob> jobs = new ArrayList<>(page.size());
		for (int i = 0; i < page.size(); i++) {
			Map<String, String> fields = stringMap((Map<?, ?>) hashes.get(i));
			if (!fields.isEmpty()) {
				jobs.add(JobFields.read(topic, page.get(i).id(), fields));
			}
		}
		return jobs;
	}

	@Override
	public long purge(String topic, List<String> ids) {
		Map<TopicPartition, List<String>> byPartition = new LinkedHashMap<>();
		for (String id : ids) {
			for (TopicPartition partition : this.partitions.locations(topic, id, false)) {
				byPartition.computeIfAbsent(partition, (p) -> new ArrayList<>()).add(id);
			}
		}
		long purged = 0;
		for (Map.Entry<TopicPartition, List<String>> entry : byPartition.entrySet()) {
			List<String> keys = new ArrayList<>(this.keys.sets(entry.getKey()));
			entry.getValue().forEach((id) -> keys.add(this.keys.job(entry.getKey(), id)));
			Long count = this.redis.execute(PURGE, keys, entry.getValue().toArray());
			purged += (count != null) ? count : 0;
		}
		return purged;
	}

	@Override
	public TopicStats stats(String topic) {
		List<TopicPartition> all = this.partitions.all(topic);
		Reads cardinalities = Reads.of();
		all.forEach((partition) -> this.keys.sets(partition).forEach(cardinalities::zCard));
		List<Object> counts = cardinalities.run(this.redis, this.commandTimeout);
		long pending = 0;
		long inFlight = 0;
		long dead = 0;
		for (int i = 0; i < counts.size(); i += 4) {
			pending += (Long) counts.get(i) + (Long) counts.get(i + 1);
			inFlight += (Long) counts.get(i + 2);
			dead += (Long) counts.get(i + 3);
		}
		return new TopicStats(topic, pending, inFlight, dead);
	}

	@Override
	public TopicSnapshot snapshot(String topic) {
		List<TopicPartition> all = this.partitions.all(topic);
		Reads reads = Reads.of();
		for (TopicPartition partition : all) {
			List<String> sets = this.keys.sets(partition);
			sets.forEach(reads::zCard);
			reads.zRangeWithScores(sets.get(0), 0, 0).zRangeWithScores(sets.get(1), 0, 0);
		}
		List<Object> answers = reads.run(this.redis, this.commandTimeout);
		long pending = 0;
		long httpPending = 0;
		long inFlight = 0;
		long dead = 0;
		double oldestLocal = Double.POSITIVE_INFINITY;
		double oldestHttp = Double.POSITIVE_INFINITY;
		for (int i = 0; i < answers.size(); i += 6) {
			pending += (Long) answers.get(i) + (Long) answers.get(i + 1);
			httpPending += (Long) answers.get(i + 1);
			inFlight += (Long) answers.get(i + 2);
			dead += (Long) answers.get(i + 3);
			oldestLocal = Math.min(oldestLocal, firstScore(answers.get(i + 4)));
			oldestHttp = Math.min(oldestHttp, firstScore(answers.get(i + 5)));
		}
		return new TopicSnapshot(new TopicStats(topic, pending, inFlight, dead), httpPending, instant(oldestLocal),
				instant(oldestHttp));
	}

	private static @Nullable Instant instant(double score) {
		return Double.isInfinite(score) ? null : Instant.ofEpochMilli((long) score);
	}

	private static double firstScore(Object range) {
		List<?> entries = (List<?>) range;
		return entries.isEmpty() ? Double.POSITIVE_INFINITY : ((Map.Entry<?, Double>) entries.get(0)).getValue();
	}

	@Override
	public void heartbeat(InstanceInfo instance, Duration ttl) {
		String id = instance.id();
		long now = instance.heartbeatAt().toEpochMilli();
		String record = String.join("\n", instance.host(), Long.toString(instance.pid()),
				instance.callbacks() ? "1" : "0", Long.toString(instance.startedAt().toEpochMilli()),
				Long.toString(now), String.join(" ", new TreeSet<>(instance.topics())));
		// the record expires by itself; the index entry is only a pointer, dropped by later heartbeats
		this.redis.opsForValue().set(this.keys.instance(id), record, ttl);
		this.redis.opsForZSet().add(this.keys.instances(), id, now);
		this.redis.opsForZSet().removeRangeByScore(this.keys.instances(), Double.NEGATIVE_INFINITY,
				now - ttl.toMillis() - STALE_INSTANCE_MARGIN.toMillis());
		// the index goes too once no instance has renewed it for as long
		this.redis.expire(this.keys.instances(), ttl.plus(STALE_INSTANCE_MARGIN));
	}

	@Override
	public void leave(String id) {
		this.redis.delete(this.keys.instance(id));
		this.redis.opsForZSet().remove(this.keys.instances(), id);
	}

	@Override
	public List<InstanceInfo> instances() {
		Set<String> ids = this.redis.opsForZSet().range(this.keys.instances(), 0, -1);
		if (ids == null || ids.isEmpty()) {
			return List.of();
		}
		List<String> order = new ArrayList<>(new TreeSet<>(ids));
		List<String> records = this.redis.opsForValue().multiGet(order.stream().map(this.keys::instance).toList());
		List<InstanceInfo> instances = new ArrayList<>();
		for (int i = 0; i < order.size(); i++) {
			String record = (records != null) ? records.get(i) : null;
			if (record != null) {
				instances.add(instance(order.get(i), record));
			}
		}
		return instances;
	}

	private static InstanceInfo instance(String id, String record) {
		String[] fields = record.split("\n", -1);
		Set<String> topics = fields[5].isEmpty() ? Set.of() : Set.of(fields[5].split(" "));
		return new InstanceInfo(id, fields[0], Long.parseLong(fields[1]), topics, fields[2].equals("1"),
				Instant.ofEpochMilli(Long.parseLong(fields[3])), Instant.ofEpochMilli(Long.parseLong(fields[4])));
	}

	@Override
	public void addMinuteCounts(long minute, Map<String, Long> increments, Duration ttl) {
		if (increments.isEmpty()) {
			return;
		}
		List<String> args = new ArrayList<>(1 + increments.size() * 2);
		args.add(Long.toString(ttl.toMillis()));
		increments.forEach((field, amount) -> {
			args.add(field);
			args.add(Long.toString(amount));
		});
		// one atomic call on the shared connection: all of a flush's counts land, or none do
		this.redis.execute(ADD_MINUTE_COUNTS, List.of(this.keys.minute(minute)), args.toArray());
	}

	@Override
	public Map<Long, Map<String, Long>> minuteCounts(long fromMinute, long toMinute) {
		Reads reads = Reads.of();
		for (long minute = fromMinute; minute <= toMinute; minute++) {
			reads.hGetAll(this.keys.minute(minute));
		}
		List<Object> answers = reads.run(this.redis, this.commandTimeout);
		Map<Long, Map<String, Long>> minutes = new LinkedHashMap<>();
		for (int i = 0; i < answers.size(); i++) {
			@SuppressWarnings("unchecked")
			Map<String, String> fields = (Map<String, String>) answers.get(i);
			if (!fields.isEmpty()) {
				Map<String, Long> counts = new LinkedHashMap<>();
				fields.forEach((name, value) -> counts.put(name, Long.parseLong(value)));
				minutes.put(fromMinute + i, counts);
			}
		}
		return minutes;
	}

	@Override
	public Set<String> topics(Lane lane) {
		return this.registry.topics(lane);
	}

	@Override
	public List<TopicPartition> partitions(String topic) {
		return this.partitions.all(topic);
	}

	/** The four sets of a partition and one job's hash: the keys of a script about one job. */
	private List<String> jobKeys(TopicPartition partition, String id) {
		List<String> keys = new ArrayList<>(this.keys.sets(partition));
		keys.add(this.keys.job(partition, id));
		return keys;
	}

	/** ARGV[1] to ARGV[4] of the scripts that announce: wake channel, publish command, topic, partition. */
	private List<String> announceArgs(TopicPartition partition) {
		String partitionNumber = Integer.toString(partition.partition());
		if (sharded()) {
			return List.of(this.keys.wakeChannel(partition), "SPUBLISH", partition.topic(), partitionNumber);
		}
		return List.of(this.keys.wakeChannel(), "PUBLISH", partition.topic(), partitionNumber);
	}

	private boolean sharded() {
		Boolean known = this.sharded;
		if (known == null) {
			known = ShardedPubSub.supported(this.redis);
			this.sharded = known;
		}
		return known;
	}

	/** In sharded mode, announces on the classic channel the first jobs this instance writes to a partition lane. */
	private void announceBirths(TopicPartition partition, List<StoredJob> jobs) {
		if (!sharded()) {
			return;
		}
		for (Lane lane : Lane.values()) {
			long earliest = jobs.stream()
				.filter((job) -> job.lane() == lane)
				.mapToLong(StoredJob::dueAt)
				.min()
				.orElse(Long.MAX_VALUE);
			String birth = partition + " " + lane.wireName();
			if (earliest != Long.MAX_VALUE && this.announcedBirths.add(birth)) {
				String message = WakeSubscriber.message(partition, lane, earliest);
				this.background.execute(() -> {
					try {
						this.redis.convertAndSend(this.keys.wakeChannel(), message);
					}
					catch (RuntimeException ex) {
						// announced with the next jobs written there; workers poll meanwhile
						this.announcedBirths.remove(birth);
					}
				});
			}
		}
	}

	private List<?> execute(RedisScript<List> script, List<String> keys, List<String> args) {
		List<?> result = this.redis.execute(script, keys, args.toArray());
		return (result != null) ? result : List.of();
	}

	/** Runs a script whose write must reach the replicas asked for before it returns, if any are. */
	private @Nullable Object executeReplicated(RedisScript<?> script, List<String> keys, List<String> args) {
		if (this.replicated != null) {
			return this.replicated.execute(script, keys, args);
		}
		Object result = this.redis.execute(script, keys, args.toArray());
		return (result != null || script.getResultType() != List.class) ? result : List.of();
	}

	/** Ids a claim may find: jobs whose lease may have run out and jobs that may be due. */
	private record Candidates(List<String> expired, List<String> due) {

		boolean isEmpty() {
			return this.expired.isEmpty() && this.due.isEmpty();
		}

	}

	static JobState state(String stored) {
		return switch (stored) {
			case "pending" -> JobState.PENDING;
			case "inflight" -> JobState.IN_FLIGHT;
			case "dead" -> JobState.DEAD;
			default -> throw new IllegalStateException("Unknown stored job state '" + stored + "'");
		};
	}

	static String stored(JobState state) {
		return switch (state) {
			case PENDING -> "pending";
			case IN_FLIGHT -> "inflight";
			case DEAD -> "dead";
		};
	}

	private static Map<String, String> toMap(Object flat) {
		List<?> list = (List<?>) flat;
		Map<String, String> map = new HashMap<>(list.size());
		for (int i = 0; i + 1 < list.size(); i += 2) {
			map.put((String) list.get(i), (String) list.get(i + 1));
		}
		return map;
	}

	private static Map<String, String> stringMap(Map<?, ?> hash) {
		Map<String, String> map = new HashMap<>(hash.size());
		hash.forEach((k, v) -> map.put((String) k, (String) v));
		return map;
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Object list) {
		return (List<String>) list;
	}

	/** A score the claim script returned: -1 when the set was empty. */
	private static OptionalLong score(Object score) {
		long value = (score instanceof Number number) ? number.longValue() : (long) Double.parseDouble((String) score);
		return (value < 0) ? OptionalLong.empty() : OptionalLong.of(value);
	}

}
