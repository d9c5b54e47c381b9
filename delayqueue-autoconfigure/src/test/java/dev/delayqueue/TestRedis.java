package dev.delayqueue;

import java.util.UUID;

import dev.delayqueue.embedded.RedisServerProcess;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One real redis-server for the test JVM (on a free port, stopped at exit); tests isolate themselves with their own
 * key prefix.
 */
public final class TestRedis {

	private static RedisServerProcess server;

	private TestRedis() {
	}

	public static synchronized RedisServerProcess server() {
		if (server == null || !server.isRunning()) {
			server = RedisServerProcess.start();
			RedisServerProcess started = server;
			Runtime.getRuntime().addShutdownHook(new Thread(started::close));
		}
		return server;
	}

	public static int port() {
		return server().port();
	}

	public static LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	public static String uniquePrefix() {
		return "test-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
