package dev.delayqueue.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobRequest;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.faults.FaultSupport.Client;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.ScanOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A long run (full scale only, {@code faults.soak-minutes}, 30 by default): a steady rate of jobs of every kind (most
 * succeed, some fail once and are retried, some fail to dead and are redriven once and then purged, some are
 * cancelled or replaced before they are due, some are HTTP callbacks) delivered by two worker JVMs, one of them
 * restarted (SIGTERM, then a new JVM) halfway. Samples each worker's heap after a full collection and its live
 * threads, and Redis's memory and key count; reports how each grew from the first sample after the warm-up to the
 * last, and asserts nothing was lost, nothing cancelled ran, and no key was left behind.
 */
class SoakFaultTests {

	/** Jobs scheduled per second: one in twenty of each rare kind. */
	private static final int RATE = 100;

	/** Samples before this are left out of the growth figures (classes loading, JIT, pools filling). */
	private static final Duration WARM_UP = Duration.ofMinutes(Long.getLong("faults.soak-warm-up-minutes", 2));

	@TempDir
	Path dir;

	@RegisterExtension
	final Resources resources = new Resources();


	@Test
	void thirtyMinutesOfEveryKindOfJob_nothingLostNothingGrows() throws Exception {
		assumeThat(FaultSupport.FULL).as("the long run is full scale only (-Dfaults.scale=full)").isTrue();
		Duration length = Duration.ofMinutes(Long.getLong("faults.soak-minutes", 30));
		String prefix = "soak-" + Long.toHexString(System.nanoTime());
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), prefix));
		Path logs = Files.createDirectories(this.dir.resolve("logs"));

		Map<String, Integer> received = new ConcurrentHashMap<>();
		HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
		receiver.setExecutor(Executors.newFixedThreadPool(8));
		receiver.createContext("/hook", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			String id = exchange.getRequestHeaders().getFirst("X-DelayQueue-Id");
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
			if (id != null) {
				received.merge(id, 1, Integer::sum);
			}
		});
		receiver.start();
		this.resources.add(() -> receiver.stop(0));
		String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

		String[] settings = { "delayqueue.topics.faults.lease=5s", "delayqueue.topics.faults.concurrency=8",
				"delayqueue.topics.faults.retry.max-attempts=3", "delayqueue.topics.faults.retry.initial-interval=200ms",
				"delayqueue.topics.faults.retry.max-interval=1s", "faults.handler-millis=5", "faults.failing=true",
				"faults.stats-interval=30s", "delayqueue.worker.poll-interval=1s",
				"logging.level.dev.delayqueue.worker=ERROR" };
		WorkerProcess first = this.resources.add(
				WorkerProcess.start(logs, "w0", RedisConnection.standalone(redis.port()), prefix, settings));
		WorkerProcess second = this.resources.add(
				WorkerProcess.start(logs, "w1", RedisConnection.standalone(redis.port()), prefix, settings));
		first.awaitReady();
		second.awaitReady();

		Set<String> delivered = ConcurrentHashMap.newKeySet(); // expected in the ledger once: ok, retry, replaced
		Set<String> callbacks = ConcurrentHashMap.newKeySet();
		Set<String> dead = ConcurrentHashMap.newKeySet();
		Set<String> cancelled = ConcurrentHashMap.newKeySet();
		Set<String> redriven = ConcurrentHashMap.newKeySet();
		Set<String> purged = ConcurrentHashMap.newKeySet();
		List<String> problems = Collections.synchronizedList(new ArrayList<>());
		List<long[]> redisSamples = Collections.synchronizedList(new ArrayList<>());
		AtomicLong n = new AtomicLong();
		ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
		this.resources.add(load::shutdownNow);
		long started = System.currentTimeMillis();
		load.scheduleAtFixedRate(() -> {
			try {
				long i = n.getAndIncrement();
				Instant now = Instant.now();
				switch ((int) (i % 20)) {
					case 12, 13 -> {
						String id = "retry-" + i;
						client.queue.schedule("faults", id, Map.of("i", i), now.plusSeconds(2));
						delivered.add(id);
					}
					case 14 -> {
						String id = "dead-" + i;
						client.queue.schedule("faults", id, Map.of("i", i), now.plusSeconds(2));
						dead.add(id);
					}
					case 15, 16 -> {
						String id = "cancel-" + i;
						client.queue.schedule("faults", id, Map.of("i", i), now.plusSeconds(20));
						cancelled.add(id);
						load.schedule(() -> {
							if (!client.queue.cancel("faults", id)) {
								problems.add(id + " was not there to cancel");
							}
						}, 1, TimeUnit.SECONDS);
					}
					case 17, 18 -> {
						String id = "replace-" + i;
						client.queue.schedule("faults", id, Map.of("v", 1), now.plusSeconds(20));
						delivered.add(id);
						load.schedule(() -> client.queue.schedule("faults", id, Map.of("v", 2),
								Instant.now().plusSeconds(2)), 1, TimeUnit.SECONDS);
					}
					case 19 -> {
						String id = "hook-" + i;
						client.queue.schedule(JobRequest.builder("hooks", id)
							.at(now.plusSeconds(2))
							.callback(JobCallback.post(hook))
							.build());
						callbacks.add(id);
					}
					default -> {
						String id = "ok-" + i;
						client.queue.schedule("faults", id, Map.of("i", i), now.plusSeconds(2));
						delivered.add(id);
					}
				}
			}
			catch (RuntimeException ex) {
				problems.add("scheduling: " + ex);
			}
		}, 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);
		// dead jobs: redriven once (they fail to dead again), then purged, so the dead set does not grow
		load.scheduleWithFixedDelay(() -> {
			try {
				sweepDead(client, redriven, purged);
			}
			catch (RuntimeException ex) {
				problems.add("dead sweep: " + ex);
			}
		}, 10, 10, TimeUnit.SECONDS);
		load.scheduleAtFixedRate(() -> redisSamples.add(redisSample(client)), 0, 30, TimeUnit.SECONDS);

		WorkerProcess.sleep(length.toMillis() / 2);
		long stopMillis = second.terminate(30);
		WorkerProcess restarted = this.resources.add(
				WorkerProcess.start(logs, "w2", RedisConnection.standalone(redis.port()), prefix, settings));
		restarted.awaitReady();
		WorkerProcess.sleep(length.toMillis() - (System.currentTimeMillis() - started));
		load.shutdown();
		assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		long[] lastUnderLoad = redisSample(client);
		redisSamples.add(lastUnderLoad);

		Ledger ledger = FaultSupport.awaitDelivered(logs, delivered, Duration.ofSeconds(60));
		FaultSupport.await(() -> received.keySet().containsAll(callbacks), Duration.ofSeconds(60), "callbacks");
		FaultSupport.await(() -> {
			sweepDead(client, redriven, purged);
			return purged.containsAll(dead);
		}, Duration.ofSeconds(60), "every dead job redriven once and purged");
		FaultSupport.await(() -> client.store.stats("faults").inFlight() == 0
				&& client.store.stats("faults").pending() == 0 && client.store.stats("hooks").pending() == 0
				&& client.store.stats("hooks").inFlight() == 0, Duration.ofSeconds(30), "queues drained");

		Ledger.Counts counts = ledger.counts(delivered);
		Set<String> ranCancelled = new HashSet<>(cancelled);
		ranCancelled.removeAll(ledger.missing(cancelled));
		Set<String> ranDead = new HashSet<>(dead);
		ranDead.removeAll(ledger.missing(dead));
		long callbackDuplicates = received.values().stream().mapToLong((c) -> c - 1).sum();
		List<String> samples = new ArrayList<>();
		for (String worker : List.of("w0", "w1", "w2")) {
			samples.add(worker + ": " + workerGrowth(logs.resolve(worker + ".log.stats"), started));
		}
		String redisGrowth = redisGrowth(redisSamples, started);
		String notes = String.format("%d min at %d jobs/s, 2 worker JVMs (w1 stopped with SIGTERM at %d min in %,d ms, "
				+ "w2 started): %,d ok/retried/replaced delivered (p99 lateness %,d ms), %,d callbacks, %,d dead redriven "
				+ "once and purged, %,d cancelled (0 ran), %d scheduling problems; from the warm-up (%d min) to the end: "
				+ "%s; %s; orphan keys 0", length.toMinutes(), RATE, length.toMinutes() / 2, stopMillis, counts.delivered(),
				counts.p99(), received.size(), purged.size(), cancelled.size(), problems.size(), WARM_UP.toMinutes(),
				String.join("; ", samples), redisGrowth);
		FaultSupport.report("Soak: " + length.toMinutes() + " minutes, every kind of job, a worker restarted", counts,
				ledger.lost(delivered) + (callbacks.size() - (int) callbacks.stream().filter(received::containsKey).count()),
				purged.size(), notes);
		assertThat(problems).as("scheduling, cancel and sweep problems").isEmpty();
		assertThat(ledger.missing(delivered)).as("lost").isEmpty();
		assertThat(received.keySet()).as("callbacks").containsAll(callbacks);
		assertThat(ranCancelled).as("cancelled jobs that ran").isEmpty();
		assertThat(ranDead).as("jobs failing every attempt logged as done").isEmpty();
		assertThat(counts.duplicates()).as("second runs (graceful restart only)").isZero();
		assertThat(callbackDuplicates).as("callbacks twice").isZero();
		FaultSupport.assertNoOrphans(client.redis, prefix, true);
	}

	/** Redrives each dead job seen for the first time, purges each seen again. */
	private static void sweepDead(Client client, Set<String> redriven, Set<String> purged) {
		for (DelayedJob job : client.queue.deadJobs("faults", 0, 1_000)) {
			if (redriven.add(job.id())) {
				client.queue.redrive("faults", job.id());
			}
			else if (client.queue.purge("faults", job.id())) {
				purged.add(job.id());
			}
		}
	}

	/** {@code epochMillis usedMemoryBytes keys minuteKeys}. */
	private static long[] redisSample(Client client) {
		return client.redis.execute((RedisCallback<long[]>) (connection) -> {
			Properties memory = connection.serverCommands().info("memory");
			long used = Long.parseLong(memory.getProperty("used_memory"));
			Long keys = connection.serverCommands().dbSize();
			long minuteKeys = 0;
			try (var cursor = connection.keyCommands()
				.scan(ScanOptions.scanOptions().match("*{#minutes}*").count(1000).build())) {
				while (cursor.hasNext()) {
					cursor.next();
					minuteKeys++;
				}
			}
			return new long[] { System.currentTimeMillis(), used, (keys != null) ? keys : -1, minuteKeys };
		});
	}

	private static String redisGrowth(List<long[]> samples, long started) {
		List<long[]> after = samples.stream().filter((s) -> s[0] >= started + WARM_UP.toMillis()).toList();
		if (after.size() < 2) {
			return "Redis: too few samples";
		}
		long[] from = after.get(0);
		long[] to = after.get(after.size() - 1);
		return String.format("Redis used_memory %s -> %s (slope %s/10 min), keys %,d -> %,d (of which per-minute "
				+ "counters, kept 90 min: %d -> %d)", mb(from[1]), mb(to[1]),
				mb(slope(after, 1) * 600_000), from[2], to[2], from[3], to[3]);
	}

	/** Heap after a full collection and live threads, first sample after the warm-up to the last. */
	private static String workerGrowth(Path stats, long started) throws IOException {
		if (!Files.exists(stats)) {
			return "no samples";
		}
		List<long[]> after;
		try (Stream<String> lines = Files.lines(stats)) {
			after = lines.skip(1) // taken while the application was starting
				.map((line) -> Stream.of(line.split(" ")).mapToLong(Long::parseLong).toArray())
				.filter((s) -> s[0] >= started + WARM_UP.toMillis())
				.toList();
		}
		if (after.size() < 2) {
			return after.size() + " samples after the warm-up";
		}
		long[] from = after.get(0);
		long[] to = after.get(after.size() - 1);
		return String.format("heap after GC %s -> %s (slope %s/10 min, %d samples), threads %d -> %d", mb(from[1]),
				mb(to[1]), mb(slope(after, 1) * 600_000), after.size(), from[2], to[2]);
	}

	/** Least-squares slope of column {@code column} over time (per ms). */
	private static double slope(List<long[]> samples, int column) {
		double meanT = samples.stream().mapToDouble((s) -> s[0]).average().orElse(0);
		double meanY = samples.stream().mapToDouble((s) -> s[column]).average().orElse(0);
		double num = 0;
		double den = 0;
		for (long[] s : samples) {
			num += (s[0] - meanT) * (s[column] - meanY);
			den += (s[0] - meanT) * (s[0] - meanT);
		}
		return (den == 0) ? 0 : num / den;
	}

	private static String mb(double bytes) {
		return String.format("%.2f MB", bytes / 1_048_576);
	}

}
