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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobRequest;
import dev.delayqueue.TestRedisKeys;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.event.DelayQueueListeners;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.store.DefaultDelayQueue;

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

		Client(int port, String prefix) {
			this.prefix = prefix;
			this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
					LettuceClientConfiguration.builder().commandTimeout(CLIENT_TIMEOUT).build());
			this.connectionFactory.afterPropertiesSet();
			this.connectionFactory.start();
			this.redis = new StringRedisTemplate(this.connectionFactory);
			this.store = new RedisJobStore(this.redis, new JobKeys(prefix));
			this.queue = new DefaultDelayQueue(this.store, new JsonMapper(), new DelayQueueListeners(List.of()),
					Clock.systemUTC(), DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES, 100, CallbackValidator.ACCEPT_ALL);
		}

		/** Schedules ids {@code prefix0..n-1} due from {@code start}, spread evenly over {@code spread}. */
		Set<String> schedule(String idPrefix, int n, Instant start, Duration spread) {
			Set<String> ids = new LinkedHashSet<>();
			List<JobRequest> batch = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				String id = idPrefix + i;
				ids.add(id);
				long offset = (n > 1) ? spread.toMillis() * i / (n - 1) : 0;
				batch.add(JobRequest.builder("faults", id).at(start.plusMillis(offset)).body(Map.of("i", i)).build());
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

	static synchronized void report(String scenario, long n, Ledger ledger, Set<String> scheduled, long dead,
			String notes) {
		String row = String.format("| %s | %,d | %,d | %d | %d | %d | %,d ms | %s |", scenario, n, ledger.delivered(),
				ledger.lost(scheduled), ledger.duplicates(), dead, ledger.worstLateness(), notes);
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
