package dev.delayqueue.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;

/**
 * The hardware limit for delayqueue's script shapes: the very schedule.lua delayqueue runs, sent by a pipelined
 * Lettuce loop with many calls in flight (no JSON, no validation, no result handling), and small server helpers
 * (PING, INFO, LATENCY).
 */
final class RawRedis implements AutoCloseable {

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	RawRedis(int port) {
		this.client = RedisClient.create("redis://127.0.0.1:" + port);
		this.connection = this.client.connect();
	}

	StatefulRedisConnection<String, String> connect() {
		return this.client.connect();
	}

	void flushAll() {
		this.connection.sync().flushall();
	}

	long usedMemory() {
		String info = this.connection.sync().info("memory");
		for (String line : info.split("\r\n")) {
			if (line.startsWith("used_memory:")) {
				return Long.parseLong(line.substring("used_memory:".length()).trim());
			}
		}
		throw new IllegalStateException("no used_memory in INFO");
	}

	void latencyMonitor(int thresholdMillis) {
		this.connection.sync().configSet("latency-monitor-threshold", Integer.toString(thresholdMillis));
		dispatch("LATENCY", "RESET");
	}

	/** The slowest event Redis recorded since {@link #latencyMonitor}, in ms (0 when none passed the threshold). */
	long latencyMax() {
		long max = 0;
		for (Object event : dispatch("LATENCY", "LATEST")) {
			max = Math.max(max, ((Number) ((List<?>) event).get(3)).longValue());
		}
		return max;
	}

	private List<Object> dispatch(String command, String... args) {
		ProtocolKeyword keyword = new ProtocolKeyword() {

			@Override
			public byte[] getBytes() {
				return command.getBytes(StandardCharsets.US_ASCII);
			}

			@Override
			public String toString() {
				return command;
			}

		};
		CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
		for (String arg : args) {
			commandArgs.add(arg);
		}
		Object result = this.connection.sync().dispatch(keyword, new NestedMultiOutput<>(StringCodec.UTF8), commandArgs);
		return (result instanceof List<?> list) ? new ArrayList<>(list) : List.of();
	}

	/**
	 * Runs delayqueue's schedule.lua for {@code n} jobs in calls of {@code perCall} jobs, {@code inFlight} calls
	 * pipelined at once.
	 * @return jobs per second
	 */
	double schedule(String prefix, int n, int perCall, int inFlight, String body) throws InterruptedException {
		String sha = this.connection.sync().scriptLoad(script("schedule"));
		RedisAsyncCommands<String, String> async = this.connection.async();
		String topicKey = prefix + ":{" + DelayQueueSubject.TOPIC + "}";
		List<String> sets = List.of(topicKey + ":due", topicKey + ":due:http", topicKey + ":inflight",
				topicKey + ":dead");
		Semaphore window = new Semaphore(inFlight);
		AtomicLong failed = new AtomicLong();
		long due = System.currentTimeMillis() + 3_600_000;
		long start = System.nanoTime();
		for (int from = 0; from < n; from += perCall) {
			int count = Math.min(perCall, n - from);
			List<String> keys = new ArrayList<>(4 + count);
			keys.addAll(sets);
			List<String> args = new ArrayList<>(7 + count * 6);
			args.addAll(List.of(prefix + ":wake", "PUBLISH", DelayQueueSubject.TOPIC, "0",
					Long.toString(System.currentTimeMillis()), "replace", Integer.toString(count)));
			for (int i = from; i < from + count; i++) {
				keys.add(topicKey + ":job:raw" + i);
				args.addAll(List.of("raw" + i, Long.toString(due + i), "local", "1", "body", body));
			}
			window.acquire();
			async.evalsha(sha, ScriptOutputType.MULTI, keys.toArray(String[]::new), args.toArray(String[]::new))
				.whenComplete((result, error) -> {
					if (error != null) {
						failed.incrementAndGet();
					}
					window.release();
				});
		}
		window.acquire(inFlight);
		double rate = n / ((System.nanoTime() - start) / 1e9);
		if (failed.get() > 0) {
			throw new IllegalStateException(failed.get() + " schedule.lua calls failed: the raw loop no longer "
					+ "matches the script's KEYS and ARGV");
		}
		return rate;
	}

	/** The text delayqueue sends: the includes its header names ("-- include: a, b"), then the script. */
	private static String script(String name) {
		String script = resource(name + ".lua");
		StringBuilder source = new StringBuilder();
		script.lines()
			.filter((line) -> line.startsWith("-- include:"))
			.findFirst()
			.ifPresent((line) -> {
				for (String include : line.substring("-- include:".length()).split(",")) {
					source.append(resource("include/" + include.trim() + ".lua")).append('\n');
				}
			});
		return source.append(script).toString();
	}

	private static String resource(String path) {
		try (InputStream in = RawRedis.class.getClassLoader().getResourceAsStream("dev/delayqueue/redis/" + path)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Samples PING round trips every 10 ms on its own connection until stopped; nanoseconds. */
	static final class Pinger implements AutoCloseable {

		private final List<Long> samples = new CopyOnWriteArrayList<>();

		private final Thread thread;

		private volatile boolean running = true;

		Pinger(RawRedis redis) {
			StatefulRedisConnection<String, String> pingConnection = redis.connect();
			this.thread = new Thread(() -> {
				try (pingConnection) {
					while (this.running) {
						long start = System.nanoTime();
						pingConnection.sync().ping();
						this.samples.add(System.nanoTime() - start);
						try {
							TimeUnit.MILLISECONDS.sleep(10);
						}
						catch (InterruptedException ex) {
							return;
						}
					}
				}
			}, "pinger");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		Stats stats() {
			return Stats.of(this.samples);
		}

		@Override
		public void close() throws InterruptedException {
			this.running = false;
			this.thread.join();
		}

	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
