package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;

/**
 * Several single-key reads sent at once, for the store's reads that span partitions (on a cluster, several nodes).
 * With Lettuce they go as they are on the application's shared connection, which sends them without waiting for
 * each answer and routes each to its node; Spring's {@code executePipelined} would open a dedicated connection for
 * every call on a cluster. Other clients get Spring's pipeline. Answers come back in order, as plain values:
 * {@link #exists} a {@code Boolean}, {@link #zCard} a {@code Long}, {@link #zRangeWithScores} a list of id and score
 * entries, {@link #hGetAll} a {@code Map<String, String>}.
 */
final class Reads {

	private final List<Read> reads = new ArrayList<>();

	private Reads() {
	}

	static Reads of() {
		return new Reads();
	}

	Reads exists(String key) {
		this.reads.add(new Read(Kind.EXISTS, key, 0, 0));
		return this;
	}

	Reads zCard(String key) {
		this.reads.add(new Read(Kind.ZCARD, key, 0, 0));
		return this;
	}

	Reads zRangeWithScores(String key, long start, long stop) {
		this.reads.add(new Read(Kind.ZRANGE, key, start, stop));
		return this;
	}

	Reads hGetAll(String key) {
		this.reads.add(new Read(Kind.HGETALL, key, 0, 0));
		return this;
	}

	/**
	 * Sends the reads and waits for every answer.
	 * @param redis a template on the application's connection factory
	 * @param timeout how long to wait for all answers
	 * @return the answers, in order
	 */
	List<Object> run(StringRedisTemplate redis, Duration timeout) {
		if (this.reads.isEmpty()) {
			return List.of();
		}
		List<Object> answers = redis.execute((RedisCallback<List<Object>>) (connection) -> {
			if (connection.getNativeConnection() instanceof RedisClusterAsyncCommands<?, ?> lettuce) {
				return runAsync(castLettuce(lettuce), timeout);
			}
			return null;
		});
		return (answers != null) ? answers : runPipelined(redis);
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> castLettuce(RedisClusterAsyncCommands<?, ?> commands) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) commands;
	}

	private List<Object> runAsync(RedisClusterAsyncCommands<byte[], byte[]> commands, Duration timeout) {
		List<RedisFuture<?>> futures = new ArrayList<>(this.reads.size());
		for (Read read : this.reads) {
			byte[] key = read.key().getBytes(StandardCharsets.UTF_8);
			futures.add(switch (read.kind()) {
				case EXISTS -> commands.exists(key);
				case ZCARD -> commands.zcard(key);
				case ZRANGE -> commands.zrangeWithScores(key, read.start(), read.stop());
				case HGETALL -> commands.hgetall(key);
			});
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		List<Object> answers = new ArrayList<>(futures.size());
		for (int i = 0; i < futures.size(); i++) {
			Object answer = RedisFutures.await(futures.get(i), Duration.ofNanos(deadline - System.nanoTime()));
			answers.add(switch (this.reads.get(i).kind()) {
				case EXISTS -> ((Long) answer) > 0;
				case ZCARD -> answer;
				case ZRANGE -> scored((List<?>) answer);
				case HGETALL -> strings((Map<?, ?>) answer);
			});
		}
		return answers;
	}

	private List<Object> runPipelined(StringRedisTemplate redis) {
		List<Object> raw = redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (Read read : this.reads) {
				send(connection, read);
			}
			return null;
		}, redis.getStringSerializer());
		List<Object> answers = new ArrayList<>(raw.size());
		for (int i = 0; i < raw.size(); i++) {
			Object answer = raw.get(i);
			answers.add(switch (this.reads.get(i).kind()) {
				case EXISTS, ZCARD -> answer;
				case ZRANGE -> tuples((Set<?>) answer);
				case HGETALL -> strings((Map<?, ?>) answer);
			});
		}
		return answers;
	}

	private static void send(RedisConnection connection, Read read) {
		byte[] key = read.key().getBytes(StandardCharsets.UTF_8);
		switch (read.kind()) {
			case EXISTS -> connection.keyCommands().exists(key);
			case ZCARD -> connection.zSetCommands().zCard(key);
			case ZRANGE -> connection.zSetCommands().zRangeWithScores(key, read.start(), read.stop());
			case HGETALL -> connection.hashCommands().hGetAll(key);
		}
	}

	private static List<Map.Entry<String, Double>> scored(List<?> values) {
		List<Map.Entry<String, Double>> entries = new ArrayList<>(values.size());
		for (Object value : values) {
			ScoredValue<?> scored = (ScoredValue<?>) value;
			entries.add(new SimpleEntry<>(text(scored.getValue()), scored.getScore()));
		}
		return entries;
	}

	private static List<Map.Entry<String, Double>> tuples(@Nullable Set<?> tuples) {
		List<Map.Entry<String, Double>> entries = new ArrayList<>();
		if (tuples != null) {
			for (Object tuple : tuples) {
				TypedTuple<?> typed = (TypedTuple<?>) tuple;
				entries.add(new SimpleEntry<>(text(typed.getValue()), typed.getScore()));
			}
		}
		return entries;
	}

	private static Map<String, String> strings(@Nullable Map<?, ?> hash) {
		Map<String, String> map = new HashMap<>();
		if (hash != null) {
			hash.forEach((k, v) -> map.put(text(k), text(v)));
		}
		return map;
	}

	private static String text(@Nullable Object value) {
		return (value instanceof byte[] raw) ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private enum Kind {

		EXISTS, ZCARD, ZRANGE, HGETALL

	}

	private record Read(Kind kind, String key, long start, long stop) {
	}

}
