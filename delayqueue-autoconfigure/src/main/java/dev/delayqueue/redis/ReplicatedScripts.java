package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayQueueNotReplicatedException;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs a script, then {@code WAIT}s on the same connection until the given number of replicas have it
 * ({@code delayqueue.redis.wait-for-replicas}). {@code WAIT} counts the writes of the connection it is sent on, so
 * both go, pipelined, on Lettuce's connection to the master of the script's slot: the application's shared
 * connection on a single Redis or Sentinel, the node connection of the slot's master on a cluster. A script the
 * node has not cached is sent whole, then waited for again. Not enough replicas in time throws
 * {@link DelayQueueNotReplicatedException}; the write stands on the master.
 * <p>
 * Only for Lettuce: the template's connection factory must be a {@code LettuceConnectionFactory}.
 */
final class ReplicatedScripts {

	private final int replicas;

	private final Duration timeout;

	private final Duration commandTimeout;

	/**
	 * Creates a runner.
	 * @param replicas how many replicas must acknowledge each write, at least 1
	 * @param timeout how long to wait for them
	 * @param commandTimeout the client's command timeout: how long the script itself may take to answer
	 */
	ReplicatedScripts(int replicas, Duration timeout, Duration commandTimeout) {
		this.replicas = replicas;
		this.timeout = timeout;
		this.commandTimeout = commandTimeout;
	}

	@Nullable Object execute(StringRedisTemplate redis, RedisScript<?> script, List<String> keys, List<String> args) {
		byte[][] keyBytes = bytes(keys);
		byte[][] argBytes = bytes(args);
		ScriptOutputType output = output(script.getResultType());
		return redis.execute((RedisCallback<@Nullable Object>) (connection) -> {
			RedisClusterAsyncCommands<byte[], byte[]> commands = master(connection.getNativeConnection(), keyBytes[0]);
			RedisFuture<Object> result = commands.evalsha(script.getSha1(), output, keyBytes, argBytes);
			RedisFuture<Long> acknowledged = commands.waitForReplication(this.replicas, this.timeout.toMillis());
			Object value;
			try {
				value = await(result, this.commandTimeout);
			}
			catch (RedisNoScriptException ex) {
				await(acknowledged, this.commandTimeout);
				result = commands.eval(script.getScriptAsString().getBytes(StandardCharsets.UTF_8), output, keyBytes,
						argBytes);
				acknowledged = commands.waitForReplication(this.replicas, this.timeout.toMillis());
				value = await(result, this.commandTimeout);
			}
			Long count = await(acknowledged, this.commandTimeout.plus(this.timeout));
			if (count == null || count < this.replicas) {
				throw new DelayQueueNotReplicatedException("Written to the Redis master, but " + count + " of the "
						+ this.replicas + " replicas asked for (delayqueue.redis.wait-for-replicas) acknowledged it "
						+ "within " + this.timeout + ": the outcome is unknown (a failover now may lose it); doing the "
						+ "same again is safe", this.replicas, (count != null) ? count : 0);
			}
			return strings(value);
		});
	}

	/** The connection to the master of the key's slot: on a cluster its node connection, else the one connection. */
	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> master(@Nullable Object nativeConnection, byte[] key) {
		if (nativeConnection instanceof RedisAdvancedClusterAsyncCommands<?, ?> cluster) {
			var commands = (RedisAdvancedClusterAsyncCommands<byte[], byte[]>) cluster;
			int slot = SlotHash.getSlot(key);
			RedisClusterNode master = commands.getStatefulConnection().getPartitions().getMasterBySlot(slot);
			if (master == null) {
				throw new RedisSystemException("No master known for slot " + slot + " (cluster topology not yet read)",
						null);
			}
			return commands.getConnection(master.getNodeId());
		}
		if (nativeConnection instanceof RedisClusterAsyncCommands<?, ?> single) {
			return (RedisClusterAsyncCommands<byte[], byte[]>) single;
		}
		throw new IllegalStateException("delayqueue.redis.wait-for-replicas needs Lettuce; the connection is "
				+ ((nativeConnection != null) ? nativeConnection.getClass().getName() : "null"));
	}

	private static <T> @Nullable T await(RedisFuture<T> future, Duration timeout) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisSystemException("Interrupted while waiting for Redis", ex);
		}
		catch (TimeoutException ex) {
			throw new QueryTimeoutException("Redis did not answer within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RedisNoScriptException noScript) {
				throw noScript;
			}
			throw new RedisSystemException(String.valueOf(ex.getCause().getMessage()), ex.getCause());
		}
	}

	private static ScriptOutputType output(@Nullable Class<?> resultType) {
		if (resultType == null) {
			return ScriptOutputType.STATUS;
		}
		if (List.class.isAssignableFrom(resultType)) {
			return ScriptOutputType.MULTI;
		}
		if (Long.class.equals(resultType)) {
			return ScriptOutputType.INTEGER;
		}
		return ScriptOutputType.VALUE;
	}

	/** A script's reply as the template gives it: bulk strings as text, lists of them as lists. */
	private static @Nullable Object strings(@Nullable Object value) {
		if (value instanceof byte[] raw) {
			return new String(raw, StandardCharsets.UTF_8);
		}
		if (value instanceof List<?> list) {
			List<Object> converted = new ArrayList<>(list.size());
			list.forEach((element) -> converted.add(strings(element)));
			return converted;
		}
		return value;
	}

	private static byte[][] bytes(List<String> values) {
		byte[][] bytes = new byte[values.size()][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
		}
		return bytes;
	}

}
