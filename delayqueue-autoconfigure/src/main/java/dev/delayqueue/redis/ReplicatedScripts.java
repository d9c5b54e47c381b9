package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayQueueNotReplicatedException;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs a script, then {@code WAIT}s on the same connection until the given number of replicas have it
 * ({@code delayqueue.redis.wait-for-replicas}). {@code WAIT} counts the writes of the connection it is sent on and
 * blocks that connection on the server while it waits, so both go on a connection of delayqueue's own, never the
 * application's shared one: a small pool of dedicated Lettuce connections from the application's client (to the
 * master found through Sentinel on a single Redis or Sentinel, to the node that is master of the script's slot on a
 * cluster). A script the node has not cached is sent whole, then waited for again; a node that answers
 * {@code MOVED} (its slot moved, the topology is old) has the topology read again and the call made once more.
 * Not enough replicas in time throws {@link DelayQueueNotReplicatedException}; the write stands on the master.
 * <p>
 * Threads: safe for concurrent use; a connection serves one call at a time, at most {@link #POOL_SIZE} at once.
 */
final class ReplicatedScripts {

	/** Most dedicated connections: calls beyond wait for one. */
	static final int POOL_SIZE = 8;

	private final LettuceConnectionFactory connectionFactory;

	private final int replicas;

	private final Duration timeout;

	private final Duration commandTimeout;

	private final BlockingQueue<StatefulConnection<byte[], byte[]>> idle = new LinkedBlockingQueue<>();

	private final Semaphore permits = new Semaphore(POOL_SIZE);

	/**
	 * Creates a runner.
	 * @param connectionFactory the application's Lettuce connection factory, whose client opens the connections
	 * @param replicas how many replicas must acknowledge each write, at least 1
	 * @param timeout how long to wait for them, shorter than the command timeout
	 * @param commandTimeout the client's command timeout: how long the script itself may take to answer
	 */
	ReplicatedScripts(LettuceConnectionFactory connectionFactory, int replicas, Duration timeout,
			Duration commandTimeout) {
		this.connectionFactory = connectionFactory;
		this.replicas = replicas;
		this.timeout = timeout;
		this.commandTimeout = commandTimeout;
	}

	@Nullable Object execute(RedisScript<?> script, List<String> keys, List<String> args) {
		byte[][] keyBytes = bytes(keys);
		byte[][] argBytes = bytes(args);
		StatefulConnection<byte[], byte[]> connection = borrow();
		boolean healthy = false;
		try {
			Object result;
			try {
				result = run(connection, script, keyBytes, argBytes);
			}
			catch (RedisSystemException ex) {
				if (!(connection instanceof StatefulRedisClusterConnection<?, ?>) || !isMoved(ex)) {
					throw ex;
				}
				// not run there: the slot has another master now
				((RedisClusterClient) this.connectionFactory.getRequiredNativeClient()).refreshPartitions();
				result = run(connection, script, keyBytes, argBytes);
			}
			healthy = true;
			return result;
		}
		finally {
			release(connection, healthy || connection.isOpen());
		}
	}

	private @Nullable Object run(StatefulConnection<byte[], byte[]> connection, RedisScript<?> script,
			byte[][] keyBytes, byte[][] argBytes) {
		ScriptOutputType output = output(script.getResultType());
		RedisClusterAsyncCommands<byte[], byte[]> commands = master(connection, keyBytes[0]);
		RedisFuture<Object> result = commands.evalsha(script.getSha1(), output, keyBytes, argBytes);
		RedisFuture<Long> acknowledged = commands.waitForReplication(this.replicas, this.timeout.toMillis());
		Object value;
		try {
			value = RedisFutures.await(result, this.commandTimeout);
		}
		catch (RedisNoScriptException ex) {
			RedisFutures.await(acknowledged, this.commandTimeout);
			result = commands.eval(script.getScriptAsString().getBytes(StandardCharsets.UTF_8), output, keyBytes,
					argBytes);
			acknowledged = commands.waitForReplication(this.replicas, this.timeout.toMillis());
			value = RedisFutures.await(result, this.commandTimeout);
		}
		Long count = RedisFutures.await(acknowledged, this.commandTimeout);
		if (count == null || count < this.replicas) {
			throw new DelayQueueNotReplicatedException("Written to the Redis master, but " + count + " of the "
					+ this.replicas + " replicas asked for (delayqueue.redis.wait-for-replicas) acknowledged it "
					+ "within " + this.timeout + ": the outcome is unknown (a failover now may lose it); doing the "
					+ "same again is safe", this.replicas, (count != null) ? count : 0);
		}
		return strings(value);
	}

	private StatefulConnection<byte[], byte[]> borrow() {
		try {
			if (!this.permits.tryAcquire(this.commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new QueryTimeoutException("No connection for a replicated write free within "
						+ this.commandTimeout + " (" + POOL_SIZE + " in use)");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisSystemException("Interrupted while waiting for a connection", ex);
		}
		StatefulConnection<byte[], byte[]> connection = this.idle.poll();
		if (connection != null) {
			return connection;
		}
		try {
			return connect();
		}
		catch (RuntimeException ex) {
			this.permits.release();
			throw new RedisSystemException("Cannot open a connection for replicated writes: " + ex.getMessage(), ex);
		}
	}

	private void release(StatefulConnection<byte[], byte[]> connection, boolean reuse) {
		if (reuse) {
			this.idle.add(connection);
		}
		else {
			connection.closeAsync();
		}
		this.permits.release();
	}

	private StatefulConnection<byte[], byte[]> connect() {
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		if (client instanceof RedisClusterClient cluster) {
			return cluster.connect(ByteArrayCodec.INSTANCE);
		}
		return ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
	}

	/** The master for the key: on a cluster the node connection of its slot's master, else the connection itself. */
	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> master(StatefulConnection<byte[], byte[]> connection,
			byte[] key) {
		if (connection instanceof StatefulRedisClusterConnection<?, ?> cluster) {
			var clusterConnection = (StatefulRedisClusterConnection<byte[], byte[]>) cluster;
			int slot = SlotHash.getSlot(key);
			RedisClusterNode master = clusterConnection.getPartitions().getMasterBySlot(slot);
			if (master == null) {
				throw new RedisSystemException("No master known for slot " + slot + " (cluster topology not read yet)",
						null);
			}
			return clusterConnection.getConnection(master.getNodeId()).async();
		}
		return ((StatefulRedisConnection<byte[], byte[]>) connection).async();
	}

	private static boolean isMoved(RedisSystemException ex) {
		Throwable cause = ex.getCause();
		return cause != null && String.valueOf(cause.getMessage()).startsWith("MOVED");
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
