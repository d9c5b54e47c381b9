package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.jspecify.annotations.Nullable;

import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobRequest;
import dev.delayqueue.TestRedisKeys;
import dev.delayqueue.embedded.RedisClusterProcess;
import dev.delayqueue.embedded.RedisClusterProcess.Node;
import dev.delayqueue.embedded.RedisSentinelProcess;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.event.DelayQueueListeners;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.store.DefaultDelayQueue;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared pieces of the scenarios: the size, a scheduling client, waiting on the ledger, the report.
 */
final class FaultSupport {

	static final boolean FULL = "full".equals(System.getProperty("faults.scale"));

	static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Replicas that must acknowledge each write of the clients of a cluster or Sentinel and of their workers
	 * ({@code delayqueue.redis.wait-for-replicas}); 0 (by default) for none. {@code -Dfaults.wait-for-replicas=1}
	 * runs the failover scenarios with it.
	 */
	static final int WAIT_FOR_REPLICAS = Integer.getInteger("faults.wait-for-replicas", 0);

	/** How long a write waits for its replicas ({@code delayqueue.redis.wait-timeout}'s default). */
	static final Duration WAIT_TIMEOUT = Duration.ofSeconds(1);

	private static final Path REPORT = Path.of("target", "faults-report.md");

	private FaultSupport() {
	}

	static int size(int ci, int full) {
		return FULL ? full : ci;
	}

	/** A scheduling client (no worker) with a 2 s command timeout, as an application would have. */
	static final class Client implements AutoCloseable {

		final LettuceConnectionFactory connectionFactory;

		final StringRedisTemplate redis;

		final RedisJobStore store;

		final DelayQueue queue;

		final String prefix;

		/** Lettuce resources of this client alone, shut down with it; none for a single server. */
		private final @Nullable ClientResources resources;

		Client(int port, String prefix) {
			this(new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
					LettuceClientConfiguration.builder().commandTimeout(CLIENT_TIMEOUT).build()), null, prefix,
					(topic) -> 1, 0);
		}

		private Client(LettuceConnectionFactory connectionFactory, @Nullable ClientResources resources, String prefix,
				ToIntFunction<String> partitions, int waitForReplicas) {
			this.prefix = prefix;
			this.resources = resources;
			this.connectionFactory = connectionFactory;
			this.connectionFactory.afterPropertiesSet();
			this.connectionFactory.start();
			this.redis = new StringRedisTemplate(this.connectionFactory);
			this.store = new RedisJobStore(this.redis, new JobKeys(prefix), partitions, waitForReplicas, WAIT_TIMEOUT,
					CLIENT_TIMEOUT);
			this.queue = new DefaultDelayQueue(this.store, new JsonMapper(), new DelayQueueListeners(List.of()),
					Clock.systemUTC(), DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES, 100, CallbackValidator.ACCEPT_ALL);
		}

		/**
		 * A client of a cluster whose Lettuce client refreshes the topology every second and on every redirection
		 * or reconnect (adaptive), so it follows a failover or a migrated slot, and tries to reconnect to a node at
		 * least every 2 s (Lettuce's own back-off grows to 30 s, which keeps a node that was down a while unused
		 * long after it is back). Its writes wait for {@link #WAIT_FOR_REPLICAS} replicas.
		 * @param partitions the partition count the client schedules each topic with
		 */
		static Client cluster(RedisClusterProcess cluster, String prefix, ToIntFunction<String> partitions) {
			ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
				.enablePeriodicRefresh(Duration.ofSeconds(1))
				.enableAllAdaptiveRefreshTriggers()
				.build();
			ClientResources resources = boundedReconnects();
			LettuceClientConfiguration configuration = LettuceClientConfiguration.builder()
				.commandTimeout(CLIENT_TIMEOUT)
				.clientResources(resources)
				.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(refresh).build())
				.build();
			RedisClusterConfiguration nodes = new RedisClusterConfiguration(List.of(cluster.seedNodes().split(",")));
			return new Client(new LettuceConnectionFactory(nodes, configuration), resources, prefix, partitions,
					WAIT_FOR_REPLICAS);
		}

		/**
		 * A client of the master the sentinels name, reconnecting at least every 2 s, its writes waiting for
		 * {@link #WAIT_FOR_REPLICAS} replicas.
		 */
		static Client sentinel(RedisSentinelProcess sentinel, String prefix) {
			RedisSentinelConfiguration sentinels = new RedisSentinelConfiguration(sentinel.masterName(),
					Set.of(sentinel.sentinels().split(",")));
			ClientResources resources = boundedReconnects();
			LettuceClientConfiguration configuration = LettuceClientConfiguration.builder()
				.commandTimeout(CLIENT_TIMEOUT)
				.clientResources(resources)
				.build();
			return new Client(new LettuceConnectionFactory(sentinels, configuration), resources, prefix, (topic) -> 1,
					WAIT_FOR_REPLICAS);
		}

		private static ClientResources boundedReconnects() {
			return ClientResources.builder()
				.reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
				.build();
		}

		/** Schedules ids {@code prefix0..n-1} due from {@code start}, spread evenly over {@code spread}. */
		Set<String> schedule(String idPrefix, int n, Instant start, Duration spread) {
			return schedule("faults", idPrefix, n, start, spread);
		}

		/** Schedules ids {@code prefix0..n-1} of a topic due from {@code start}, spread evenly over {@code spread}. */
		Set<String> schedule(String topic, String idPrefix, int n, Instant start, Duration spread) {
			Set<String> ids = new LinkedHashSet<>();
			List<JobRequest> batch = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				String id = idPrefix + i;
				ids.add(id);
				long offset = (n > 1) ? spread.toMillis() * i / (n - 1) : 0;
				batch.add(JobRequest.builder(topic, id).at(start.plusMillis(offset)).body(Map.of("i", i)).build());
				if (batch.size() == 1000) {
					this.queue.scheduleAll(batch);
					batch.clear();
				}
			}
			if (!batch.isEmpty()) {
				this.queue.scheduleAll(batch);
			}
			return ids;
		}

		@Override
		public void close() {
			this.connectionFactory.destroy();
			if (this.resources != null) {
				this.resources.shutdown();
			}
		}

	}

	static RedisServerProcess redis(Path dir, boolean appendOnly) {
		try {
			return RedisServerProcess.builder().dataDir(Files.createDirectories(dir)).appendOnly(appendOnly).start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static Ledger awaitDelivered(Path dir, Set<String> scheduled, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Ledger ledger = Ledger.read(dir);
		long poll = (scheduled.size() > 100_000) ? 2_000 : 250; // reading a million log lines costs CPU too
		while (ledger.lost(scheduled) > 0 && System.nanoTime() < deadline) {
			WorkerProcess.sleep(poll);
			ledger = Ledger.read(dir);
		}
		return ledger;
	}

	static void await(Supplier<Boolean> condition, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.get()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
			}
			WorkerProcess.sleep(50);
		}
	}

	/**
	 * Redis holds nothing but jobs that are pending, in flight or dead, each in exactly the set of its state, and
	 * the topic registries; with {@code expectNoJobs}, no job at all.
	 */
	static void assertNoOrphans(StringRedisTemplate redis, String prefix, boolean expectNoJobs) {
		Map<String, String> problems = TestRedisKeys.problems(redis, prefix);
		assertThat(problems).as("orphan or inconsistent keys under '%s'", prefix).isEmpty();
		if (expectNoJobs) {
			assertThat(TestRedisKeys.jobKeys(redis, prefix)).as("job keys left under '%s'", prefix).isEmpty();
		}
	}

	/**
	 * {@link #assertNoOrphans(StringRedisTemplate, String, boolean)} on every master of a cluster, each read on its
	 * own, so a key stranded on a node that no longer owns its slot shows too: every key of every master is in a
	 * slot that master owns, every job hash is in exactly the set of its state, every set member has its hash.
	 */
	static void assertNoOrphans(RedisClusterProcess cluster, String prefix, boolean expectNoJobs) {
		Map<String, String> problems = new LinkedHashMap<>();
		Set<String> jobKeys = new LinkedHashSet<>();
		Map<Integer, Node> owners = new HashMap<>();
		for (Node master : cluster.masters()) {
			boolean misplaced = false;
			for (Object key : (List<?>) cluster.command(master, "KEYS", "*")) {
				int slot = RedisClusterProcess.slot((String) key);
				Node owner = owners.computeIfAbsent(slot, cluster::masterOf);
				if (!owner.equals(master)) {
					problems.put(master + " " + key, "in slot " + slot + ", owned by " + owner);
					misplaced = true;
				}
			}
			if (misplaced) {
				continue; // its other checks would be answered with MOVED
			}
			LettuceConnectionFactory node = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", master.port()),
					LettuceClientConfiguration.builder().commandTimeout(CLIENT_TIMEOUT).build());
			node.afterPropertiesSet();
			node.start();
			try {
				StringRedisTemplate redis = new StringRedisTemplate(node);
				TestRedisKeys.problems(redis, prefix).forEach((key, problem) -> problems.put(master + " " + key, problem));
				jobKeys.addAll(TestRedisKeys.jobKeys(redis, prefix));
			}
			finally {
				node.destroy();
			}
		}
		assertThat(problems).as("orphan, inconsistent or misplaced keys under '%s' on the masters", prefix).isEmpty();
		if (expectNoJobs) {
			assertThat(jobKeys).as("job keys left under '%s' on the masters", prefix).isEmpty();
		}
	}

	static synchronized void report(String scenario, long n, Ledger ledger, Set<String> scheduled, long dead,
			String notes) {
		String row = String.format("| %s | %,d | %,d | %d | %d | %d | %,d ms | %s |", scenario, n, ledger.delivered(),
				ledger.lost(scheduled), ledger.duplicates(), dead, ledger.worstLateness(), notes);
		System.out.println("FAULTS " + row);
		write(row);
	}

	/**
	 * A row of the report from counts over the scenario's jobs.
	 * @param lost the jobs lost by delayqueue: those not delivered, less any the scenario accounts for otherwise
	 * (said in the notes)
	 */
	static void report(String scenario, Ledger.Counts counts, int lost, long dead, String notes) {
		String row = String.format("| %s | %,d | %,d | %d | %d | %d | %,d ms | %s |", scenario, counts.jobs(),
				counts.delivered(), lost, counts.duplicates(), dead, counts.max(), notes);
		System.out.println("FAULTS " + row);
		write(row);
	}

	static synchronized void write(String line) {
		try {
			Files.createDirectories(REPORT.getParent());
			if (!Files.exists(REPORT)) {
				Files.writeString(REPORT, "Fault-injection suite, scale " + (FULL ? "full" : "ci") + "\n\n"
						+ "| scenario | N | delivered | lost | duplicates | dead | worst lateness | notes |\n"
						+ "|---|---|---|---|---|---|---|---|\n");
			}
			Files.writeString(REPORT, line + "\n", StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static Map<String, Object> counts(Object... pairs) {
		Map<String, Object> map = new HashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put((String) pairs[i], pairs[i + 1]);
		}
		return map;
	}

}
