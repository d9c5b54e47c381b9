package dev.delayqueue.redis;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.store.Lane;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The sets of topics jobs were scheduled on ({@link JobKeys#topics(Lane)}), read by callback dispatchers to find
 * their topics and by the endpoints to list them. The registry lives in its own key, so on a cluster the scripts
 * that schedule cannot write it (it is another slot): it is written beside them, on the store's background thread
 * (a Redis node that is gone, the one holding the registry, never holds up scheduling), and written again by every
 * instance that schedules on a topic at most every {@link #REWRITE_NANOS}, so a registration lost in a failover
 * comes back with the next jobs instead of being hidden for good by what this instance remembers.
 * <p>
 * Threads: safe for concurrent use.
 */
final class TopicRegistry {

	static final long REWRITE_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final Logger logger = LoggerFactory.getLogger(TopicRegistry.class);

	private final StringRedisTemplate redis;

	private final JobKeys keys;

	private final long rewriteNanos;

	private final Executor background;

	/** When each topic (and lane) was last written ({@link System#nanoTime()}). */
	private final Map<String, Long> written = new ConcurrentHashMap<>();

	TopicRegistry(StringRedisTemplate redis, JobKeys keys, Executor background) {
		this(redis, keys, background, REWRITE_NANOS);
	}

	TopicRegistry(StringRedisTemplate redis, JobKeys keys, Executor background, long rewriteNanos) {
		this.redis = redis;
		this.keys = keys;
		this.background = background;
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
		// one writer per entry and interval, whichever thread wins
		boolean due = (last == null) ? this.written.putIfAbsent(entry, now) == null
				: now - last > this.rewriteNanos && this.written.replace(entry, last, now);
		if (due) {
			try {
				this.background.execute(() -> {
					try {
						this.redis.opsForSet().add(this.keys.topics(lane), topic);
					}
					catch (RuntimeException ex) {
						// written again by the next scheduling on the topic
						this.written.remove(entry, now);
						logger.debug("Cannot register topic '{}' now", topic, ex);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				this.written.remove(entry, now);
			}
		}
	}

}
