package dev.delayqueue.redis;

import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Redis's {@code maxmemory-policy}, read from {@code INFO memory} (which managed services that disable
 * {@code CONFIG} still answer), on every node of a cluster. Only {@value #NO_EVICTION} never deletes keys: with any
 * other policy, a full Redis silently deletes jobs.
 *
 * @since 0.1.0
 */
public final class MemoryPolicy {

	/** The one policy under which Redis never deletes a job to make room. */
	public static final String NO_EVICTION = "noeviction";

	private MemoryPolicy() {
	}

	/**
	 * Reads the policies in use.
	 * @param redis the Redis (a single server, Sentinel's master, or every node of a cluster)
	 * @return the distinct policies, empty when Redis does not say
	 * @throws org.springframework.dao.DataAccessException when Redis cannot be read
	 */
	public static Set<String> read(StringRedisTemplate redis) {
		Properties info = redis.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands()
			.info("memory"));
		Set<String> policies = new TreeSet<>();
		if (info != null) {
			// a cluster answers for every node, as "<node>.maxmemory_policy"
			info.stringPropertyNames()
				.stream()
				.filter((name) -> name.equals("maxmemory_policy") || name.endsWith(".maxmemory_policy"))
				.forEach((name) -> policies.add(info.getProperty(name).trim()));
		}
		return policies;
	}

}
