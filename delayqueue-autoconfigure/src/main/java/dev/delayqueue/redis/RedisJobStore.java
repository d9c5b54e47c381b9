package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobState;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TopicStats;
import dev.delayqueue.store.ClaimResult;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.Lease;
import dev.delayqueue.store.Outcome;
import dev.delayqueue.store.StoredJob;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisCallback;
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

	private final StringRedisTemplate redis;

	private final JobKeys keys;

	private final Set<String> registeredTopics = ConcurrentHashMap.newKeySet();

	private final Set<String> registeredHttpTopics = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a store.
	 * @param redis a template on the application's connection factory
	 * @param keys the key layout
	 */
	public RedisJobStore(StringRedisTemplate redis, JobKeys keys) {
		this.redis = redis;
		this.keys = keys;
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
		registerTopic(topic, jobs.stream().anyMatch((job) -> job.lane() == Lane.HTTP));
		List<String> args = new ArrayList<>(6 + jobs.size() * 8);
		args.addAll(List.of(this.keys.jobPrefix(topic), Long.toString(now), ifAbsent ? "nx" : "replace",
				this.keys.wakeChannel(), topic, Integer.toString(jobs.size())));
		for (StoredJob job : jobs) {
			List<String> fields = JobFields.write(job);
			args.add(job.id());
			args.add(Long.toString(job.dueAt()));
			args.add(job.lane().wireName());
			args.add(Integer.toString(fields.size() / 2));
			args.addAll(fields);
		}
		List<?> codes = execute(SCHEDULE, scriptKeys(topic), args);
		List<ScheduleResult> results = new ArrayList<>(codes.size());
		for (Object code : codes) {
			results.add(switch (((Number) code).intValue()) {
				case 1 -> ScheduleResult.CREATED;
				case 2 -> ScheduleResult.REPLACED_PENDING;
				case 3 -> ScheduleResult.REPLACED_IN_FLIGHT;
				case 4 -> ScheduleResult.REPLACED_DEAD;
				default -> ScheduleResult.ALREADY_EXISTS;
			});
		}
		return results;
	}

	@Override
	public ClaimResult claim(String topic, Lane lane, long now, int limit, long leaseMillis, String tokenBase) {
		List<?> result = execute(CLAIM, scriptKeys(topic),
				List.of(this.keys.jobPrefix(topic), Long.toString(now), Integer.toString(limit),
						Long.toString(leaseMillis), tokenBase, this.keys.wakeChannel(), topic, lane.wireName()));
		List<String> expired = strings(result.get(0));
		List<?> rawJobs = (List<?>) result.get(1);
		List<ClaimedJob> jobs = new ArrayList<>(rawJobs.size() / 2);
		for (int i = 0; i + 1 < rawJobs.size(); i += 2) {
			Map<String, String> fields = toMap(rawJobs.get(i + 1));
			DelayedJob job = JobFields.read(topic, (String) rawJobs.get(i), fields);
			jobs.add(new ClaimedJob(job, fields.get("token"), Long.parseLong(fields.get("lease"))));
		}
		return new ClaimResult(expired, jobs, score(result.get(2)), score(result.get(3)));
	}

	@Override
	public List<String> complete(String topic, List<Lease> leases) {
		List<String> args = new ArrayList<>(1 + leases.size() * 2);
		args.add(this.keys.jobPrefix(topic));
		for (Lease lease : leases) {
			args.add(lease.id());
			args.add(lease.token());
		}
		return strings(execute(COMPLETE, scriptKeys(topic), args));
	}

	@Override
	public List<String> fail(String topic, Lane lane, List<Outcome> outcomes, long now) {
		List<String> args = new ArrayList<>(5 + outcomes.size() * 5);
		args.addAll(List.of(this.keys.jobPrefix(topic), Long.toString(now), this.keys.wakeChannel(), topic,
				lane.wireName()));
		for (Outcome outcome : outcomes) {
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
		return strings(execute(FAIL, scriptKeys(topic), args));
	}

	@Override
	public List<String> extend(String topic, List<Lease> leases, long leaseEnd) {
		List<String> args = new ArrayList<>(2 + leases.size() * 2);
		args.add(this.keys.jobPrefix(topic));
		args.add(Long.toString(leaseEnd));
		for (Lease lease : leases) {
			args.add(lease.id());
			args.add(lease.token());
		}
		return strings(execute(EXTEND, scriptKeys(topic), args));
	}

	@Override
	public Optional<JobState> cancel(String topic, String id) {
		String state = this.redis.execute(CANCEL, scriptKeys(topic), this.keys.jobPrefix(topic), id);
		return Optional.ofNullable(state).map(RedisJobStore::state);
	}

	@Override
	public Optional<JobState> reschedule(String topic, String id, long dueAt, @Nullable JobState requiredState,
			long now) {
		String state = this.redis.execute(RESCHEDULE, scriptKeys(topic), this.keys.jobPrefix(topic), id,
				Long.toString(dueAt), Long.toString(now), this.keys.wakeChannel(), topic,
				(requiredState != null) ? stored(requiredState) : "");
		return Optional.ofNullable(state).map(RedisJobStore::state);
	}

	@Override
	public Optional<DelayedJob> get(String topic, String id) {
		Map<Object, Object> fields = this.redis.opsForHash().entries(this.keys.job(topic, id));
		if (fields.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(JobFields.read(topic, id, stringMap(fields)));
	}

	@Override
	public List<DelayedJob> dead(String topic, long offset, int limit) {
		Set<String> ids = this.redis.opsForZSet().range(this.keys.dead(topic), offset, offset + limit - 1);
		if (ids == null || ids.isEmpty()) {
			return List.of();
		}
		List<String> idList = List.copyOf(ids);
		List<Object> hashes = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (String id : idList) {
				connection.hashCommands().hGetAll(bytes(this.keys.job(topic, id)));
			}
			return null;
		}, this.redis.getStringSerializer());
		List<DelayedJob> jobs = new ArrayList<>(idList.size());
		for (int i = 0; i < idList.size(); i++) {
			Map<String, String> fields = stringMap((Map<?, ?>) hashes.get(i));
			if (!fields.isEmpty()) {
				jobs.add(JobFields.read(topic, idList.get(i), fields));
			}
		}
		return jobs;
	}

	@Override
	public long purge(String topic, List<String> ids) {
		List<String> args = new ArrayList<>(1 + ids.size());
		args.add(this.keys.jobPrefix(topic));
		args.addAll(ids);
		Long purged = this.redis.execute(PURGE, scriptKeys(topic), args.toArray());
		return (purged != null) ? purged : 0;
	}

	@Override
	public TopicStats stats(String topic) {
		List<Object> counts = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			connection.zSetCommands().zCard(bytes(this.keys.due(topic)));
			connection.zSetCommands().zCard(bytes(this.keys.due(topic, Lane.HTTP)));
			connection.zSetCommands().zCard(bytes(this.keys.inFlight(topic)));
			connection.zSetCommands().zCard(bytes(this.keys.dead(topic)));
			return null;
		});
		return new TopicStats(topic, (Long) counts.get(0) + (Long) counts.get(1), (Long) counts.get(2),
				(Long) counts.get(3));
	}

	@Override
	public Set<String> topics(Lane lane) {
		Set<String> topics = this.redis.opsForSet().members(this.keys.topics(lane));
		return (topics != null) ? topics : Set.of();
	}

	private void registerTopic(String topic, boolean http) {
		if (!this.registeredTopics.contains(topic)) {
			this.redis.opsForSet().add(this.keys.topics(), topic);
			this.registeredTopics.add(topic);
		}
		if (http && !this.registeredHttpTopics.contains(topic)) {
			this.redis.opsForSet().add(this.keys.topics(Lane.HTTP), topic);
			this.registeredHttpTopics.add(topic);
		}
	}

	/**
	 * The keys every script takes, in this order: KEYS[1] local due set, KEYS[2] HTTP due set, KEYS[3] in-flight set,
	 * KEYS[4] dead set. ARGV[1] of every script is {@link JobKeys#jobPrefix the job key prefix}.
	 */
	private List<String> scriptKeys(String topic) {
		return List.of(this.keys.due(topic, Lane.LOCAL), this.keys.due(topic, Lane.HTTP), this.keys.inFlight(topic),
				this.keys.dead(topic));
	}

	private List<?> execute(RedisScript<List> script, List<String> keys, List<String> args) {
		List<?> result = this.redis.execute(script, keys, args.toArray());
		return (result != null) ? result : List.of();
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

	private static byte[] bytes(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

}
