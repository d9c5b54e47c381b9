package dev.delayqueue.redis;

import java.util.Properties;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Whether wake-ups go over sharded pub/sub: on a Redis Cluster (through Lettuce) whose every node runs Redis 7 or
 * later. Elsewhere ({@code SPUBLISH} is unknown before Redis 7, and a single Redis has no broadcast to avoid) they go
 * over classic pub/sub. The store, which publishes, and the subscriber decide the same way, from the same servers.
 */
final class ShardedPubSub {

	private ShardedPubSub() {
	}

	/**
	 * Returns whether the connection factory is a Lettuce cluster connection factory.
	 * @param connectionFactory the application's connection factory
	 * @return whether it talks to a cluster
	 */
	static boolean isCluster(@Nullable RedisConnectionFactory connectionFactory) {
		return connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
	}

	/**
	 * Asks the servers: a cluster whose nodes all run Redis 7 or later. Needs Redis to answer.
	 * @param redis a template on the application's connection factory
	 * @return whether to use sharded pub/sub
	 */
	static boolean supported(StringRedisTemplate redis) {
		if (!isCluster(redis.getConnectionFactory())) {
			return false;
		}
		Properties info = redis.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands()
			.info("server"));
		if (info == null) {
			return false;
		}
		boolean any = false;
		for (String name : info.stringPropertyNames()) {
			if (name.endsWith("redis_version")) {
				any = true;
				if (major(info.getProperty(name)) < 7) {
					return false;
				}
			}
		}
		return any;
	}

	private static int major(String version) {
		try {
			return Integer.parseInt(version.substring(0, version.indexOf('.')));
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

}
