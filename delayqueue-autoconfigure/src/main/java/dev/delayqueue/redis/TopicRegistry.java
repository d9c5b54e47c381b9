package dev.delayqueue.redis;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.delayqueue.store.Lane;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The sets of topics jobs were scheduled on ({@link JobKeys#topics(Lane)}), read by callback dispatchers to find
 * their topics and by the endpoints to list them. The registry lives in its own key, so on a cluster the scripts
 * that schedule cannot write it (it is another slot): it is written beside them, and written again by every
 * instance that schedules on a topic at most every {@link #REWRITE_NANOS}, so a registration lost in a failover
 * comes back with the next jobs instead of being hidden for good by what this instance remembers.
 * <p>
 * Threads: safe for concurrent use.
 */
final class TopicRegistry {

	static final long REWRITE_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final StringRedisTemplate redis;

	private final JobKeys keys;

	private final long rewriteNanos;

	/** When each topic (and lane) was last written ({@link System#nanoTime()}). */
	private final Map<String, Long> written = new ConcurrentHashMap<>();

	TopicRegistry(StringRedisTemplate redis, JobKeys keys) {
		this(redis, keys, REWRITE_NANOS);
	}

	TopicRegistry(StringRedisTemplate redis, JobKeys keys, long rewriteNanos) {
		this.redis = redis;
		this.keys = keys;
		this.rewriteNanos = rewriteNanos;
	}

	/**
	 * Records a topic, unless this instance did within the last {@link #REWRITE_NANOS}.
	 * @param topic the topic
	 * @param http whether jobs with a callback are scheduled on it
	 */
	void register(String topic, boolean http) {
		write(topic, Lane.LOCAL);
		if (http) {
			write(topic, Lane.HTTP);
		}
	}

	Set<String> topics(Lane lane) {
		Set<String> topics = this.redis.opsForSet().members(this.keys.topics(lane));
		return (topics != null) ? topics : Set.of();
	}

	private void write(String topic, Lane lane) {
		String entry = lane.wireName() + ' ' + topic;
		long now = System.nanoTime();
		Long last = this.written.get(entry);
		if (last == null || now - last > this.rewriteNanos) {
			this.redis.opsForSet().add(this.keys.topics(lane), topic);
			this.written.put(entry, now);
		}
	}

}
