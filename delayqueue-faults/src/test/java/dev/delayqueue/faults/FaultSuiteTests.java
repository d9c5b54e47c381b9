package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.DelayQueueUnavailableException;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.faults.FaultSupport.Client;

import org.springframework.data.redis.core.RedisCallback;

import static dev.delayqueue.faults.FaultSupport.size;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults injected into real processes while jobs are due: worker JVMs killed with SIGKILL or stopped with SIGTERM,
 * a handler longer than its lease, Redis killed and restarted from its append-only file, Redis paused, a mass
 * expiry. Each scenario counts scheduled, delivered, lost (must be 0), duplicates, dead and the worst lateness, and
 * ends by checking that Redis holds no orphan keys. {@code -Dfaults.scale=full} runs the full sizes; the table goes
 * to {@code target/faults-report.md}.
 */
class FaultSuiteTests {

	@TempDir
	Path dir;

	@RegisterExtension
	final Resources resources = new Resources();

	private Path logs;

	private String prefix;

	@BeforeEach
	void setUp() throws Exception {
		this.logs = Files.createDirectories(this.dir.resolve("logs"));
		this.prefix = "faults-" + Long.toHexString(System.nanoTime());
	}


	private List<WorkerProcess> workers(RedisServerProcess redis, int count, String... properties) {
		List<WorkerProcess> started = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			started.add(this.resources.add(WorkerProcess.start(this.logs, "w" + i, RedisConnection.standalone(redis.port()),
					this.prefix, properties)));
		}
		started.forEach(WorkerProcess::awaitReady);
		return started;
	}

	@Test
	void workerCrash_killedJvmsJobsAreDeliveredByTheOthersAfterTheirLease() {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		String[] settings = { "delayqueue.topics.faults.lease=2s", "delayqueue.topics.faults.concurrency=4",
				"delayqueue.topics.faults.prefetch=16", "faults.handler-millis=5", "delayqueue.worker.poll-interval=500ms" };
		List<WorkerProcess> live = new ArrayList<>(workers(redis, 3, settings));
		int n = size(2_000, 20_000);
		int kills = size(3, 10);
		Duration spread = Duration.ofSeconds(size(8, 40));
		Set<String> scheduled = client.schedule("c", n, Instant.now().plusSeconds(1), spread);
		int capacity = 20;
		for (int k = 0; k < kills; k++) {
			WorkerProcess.sleep(spread.toMillis() / (kills + 1));
			WorkerProcess victim = live.remove(0);
			victim.kill();
			live.add(this.resources.add(WorkerProcess.start(this.logs, "r" + k, RedisConnection.standalone(redis.port()),
					this.prefix, settings)));
		}
		Ledger ledger = FaultSupport.awaitDelivered(this.logs, scheduled, spread.plusSeconds(60));
		FaultSupport.report("Worker crash (SIGKILL x" + kills + ", 3 JVMs)", n, ledger, scheduled,
				client.store.stats("faults").dead(), "lease 2 s; bound " + kills * capacity + " duplicates");
		assertThat(ledger.missing(scheduled)).as("lost").isEmpty();
		assertThat(ledger.duplicates()).as("duplicates, at most what killed workers held").isLessThanOrEqualTo(kills * capacity);
		assertThat(ledger.worstLateness()).as("worst lateness (ms): the 2 s lease, the 0.5 s poll, slack")
			.isLessThan(6_000);
		FaultSupport.await(() -> client.store.stats("faults").inFlight() == 0, Duration.ofSeconds(10), "acks");
		FaultSupport.assertNoOrphans(client.redis, this.prefix, true);
	}

	@Test
	void workerStartedWhileRedisIsDown_subscribesLaterAndIsWokenByANewJob() {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		int port = redis.port();
		redis.kill();
		// a one-hour poll: only a wake-up can deliver the job below on time
		WorkerProcess worker = this.resources.add(WorkerProcess.start(this.logs, "w0", RedisConnection.standalone(port),
				this.prefix, "delayqueue.worker.poll-interval=1h", "delayqueue.topics.faults.lease=3s"));
		WorkerProcess.sleep(3_000);
		redis.restart();
		worker.awaitReady();
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		WorkerProcess.sleep(12_000); // the heartbeat retries the subscription every 5 s at most every lease/3
		Set<String> scheduled = client.schedule("w", 1, Instant.now().plusSeconds(1), Duration.ZERO);
		Ledger ledger = FaultSupport.awaitDelivered(this.logs, scheduled, Duration.ofSeconds(10));
		FaultSupport.report("Worker started while Redis was down (1 h poll)", 1, ledger, scheduled,
				client.store.stats("faults").dead(), "woken by pub/sub after resubscribing");
		assertThat(ledger.missing(scheduled)).isEmpty();
		assertThat(ledger.worstLateness()).as("lateness (ms) of a job that only a wake-up can deliver").isLessThan(1_000);
	}

	@Test
	void longHandler_theHeartbeatKeepsALeaseShorterThanTheHandlerAlive() {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		workers(redis, 2, "delayqueue.topics.faults.lease=3s", "delayqueue.topics.faults.concurrency=4",
				"delayqueue.topics.faults.prefetch=4", "faults.handler-millis=7000");
		int n = size(16, 64);
		Set<String> scheduled = client.schedule("l", n, Instant.now(), Duration.ZERO);
		Ledger ledger = FaultSupport.awaitDelivered(this.logs, scheduled, Duration.ofSeconds(60));
		FaultSupport.await(() -> client.store.stats("faults").inFlight() == 0, Duration.ofSeconds(10), "acks");
		WorkerProcess.sleep(1_500);
		ledger = Ledger.read(this.logs);
		FaultSupport.report("Long handler (7 s, lease 3 s)", n, ledger, scheduled, client.store.stats("faults").dead(),
				"heartbeat every lease/3");
		assertThat(ledger.missing(scheduled)).isEmpty();
		assertThat(ledger.duplicates()).isZero();
		FaultSupport.assertNoOrphans(client.redis, this.prefix, true);
	}

	@Test
	void redisRestart_everythingAcknowledgedMoreThanOneSecondBeforeACrashIsDeliveredAfterIt() {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), true));
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		workers(redis, 2, "delayqueue.topics.faults.lease=3s", "faults.handler-millis=2",
				"delayqueue.worker.poll-interval=500ms");
		int n = size(2_000, 20_000);
		Set<String> scheduled = new LinkedHashSet<>(client.schedule("a", n, Instant.now().plusSeconds(1),
				Duration.ofSeconds(size(5, 20))));
		WorkerProcess.sleep(2_500); // past the 1 s fsync window of appendfsync everysec; some jobs delivered already
		redis.kill();
		WorkerProcess.sleep(1_000);
		redis.restart();
		int m = size(200, 2_000);
		long start = System.nanoTime();
		Set<String> after = null;
		while (after == null) {
			try {
				after = client.schedule("b", m, Instant.now(), Duration.ofSeconds(1));
			}
			catch (DelayQueueUnavailableException ex) {
				assertThat(System.nanoTime() - start).as("client reconnects").isLessThan(TimeUnit.SECONDS.toNanos(30));
				WorkerProcess.sleep(200);
			}
		}
		long reconnectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		scheduled.addAll(after);
		Ledger ledger = FaultSupport.awaitDelivered(this.logs, scheduled, Duration.ofSeconds(60));
		FaultSupport.report("Redis SIGKILL + restart (AOF everysec)", n + m, ledger, scheduled,
				client.store.stats("faults").dead(), "client scheduled again " + reconnectMillis + " ms after restart");
		assertThat(ledger.missing(scheduled)).as("lost").isEmpty();
		assertThat(ledger.duplicates()).as("duplicates, at most what the workers held at the crash")
			.isLessThanOrEqualTo(2 * 20);
		FaultSupport.await(() -> client.store.stats("faults").inFlight() == 0, Duration.ofSeconds(15), "acks");
		FaultSupport.assertNoOrphans(client.redis, this.prefix, true);
	}

	@Test
	void redisOutage_callsFailFastWorkersBackOffAndResumeNothingIsLost() throws Exception {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		List<WorkerProcess> workers = workers(redis, 2, "delayqueue.topics.faults.lease=5s", "faults.handler-millis=2",
				"delayqueue.worker.poll-interval=500ms");
		int n = size(1_000, 10_000);
		Duration pause = Duration.ofSeconds(size(8, 30));
		Set<String> scheduled = client.schedule("o", n, Instant.now().plusSeconds(1), pause.plusSeconds(4));
		WorkerProcess.sleep(2_000);
		redis.pause();
		List<Long> failedAfter = new CopyOnWriteArrayList<>();
		ExecutorService callers = Executors.newFixedThreadPool(16);
		try {
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < 32; i++) {
				int k = i;
				calls.add(callers.submit(() -> {
					long start = System.nanoTime();
					try {
						client.queue.schedule("faults", "during-pause-" + k, "x", Duration.ofSeconds(1));
					}
					catch (DelayQueueUnavailableException ex) {
						failedAfter.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
					}
				}));
			}
			for (Future<?> call : calls) {
				call.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}
		long rest = pause.toMillis() - 2_000 - failedAfter.stream().mapToLong(Long::longValue).max().orElse(0);
		WorkerProcess.sleep(Math.max(0, rest));
		redis.resume();
		Ledger ledger = FaultSupport.awaitDelivered(this.logs, scheduled, Duration.ofSeconds(60));
		long slowest = failedAfter.stream().mapToLong(Long::longValue).max().orElse(-1);
		Set<String> timedOut = new LinkedHashSet<>();
		for (int k = 0; k < 32; k++) {
			timedOut.add("during-pause-" + k);
		}
		// a timeout leaves the outcome unknown: the scripts reached the paused server and ran when it resumed
		Ledger timedOutLedger = FaultSupport.awaitDelivered(this.logs, timedOut, Duration.ofSeconds(10));
		int appliedAnyway = 32 - timedOutLedger.lost(timedOut);
		FaultSupport.report("Redis paused (SIGSTOP " + pause.toSeconds() + " s)", n, ledger, scheduled,
				client.store.stats("faults").dead(), "32 schedule calls during the pause failed after <= " + slowest
						+ " ms (client timeout 2 s), " + appliedAnyway + " of them applied on resume; workers not "
						+ "restarted; duplicates: jobs done during the pause whose lease ran out first (bound 40)");
		assertThat(failedAfter).as("every call during the pause fails").hasSize(32);
		assertThat(slowest).as("bounded wait").isLessThan(CLIENT_TIMEOUT_MILLIS + 1_500);
		assertThat(ledger.missing(scheduled)).as("lost").isEmpty();
		assertThat(ledger.duplicates()).as("duplicates, at most what both workers held when Redis stopped")
			.isLessThanOrEqualTo(2 * 20);
		assertThat(workers).allMatch(WorkerProcess::isAlive);
		FaultSupport.await(() -> client.store.stats("faults").inFlight() == 0, Duration.ofSeconds(15), "acks");
		FaultSupport.assertNoOrphans(client.redis, this.prefix, true);
	}

	/** The slowest event Redis itself recorded (command, fork, ...), in ms; 0 when none passed the threshold. */
	private static long redisLatencyMax(RedisClient lettuce) {
		ProtocolKeyword latency = new ProtocolKeyword() {

			@Override
			public byte[] getBytes() {
				return "LATENCY".getBytes(StandardCharsets.US_ASCII);
			}

			@Override
			public String toString() {
				return "LATENCY";
			}

		};
		try (StatefulRedisConnection<String, String> connection = lettuce.connect()) {
			List<Object> events = connection.sync()
				.dispatch(latency, new NestedMultiOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).add("LATEST"));
			long max = 0;
			for (Object event : events) {
				max = Math.max(max, ((Number) ((List<?>) event).get(3)).longValue());
			}
			return max;
		}
	}

	private static final long CLIENT_TIMEOUT_MILLIS = FaultSupport.CLIENT_TIMEOUT.toMillis();

	@Test
	void gracefulShutdown_sigtermFinishesRunningJobsAndReleasesTheRest() throws Exception {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		String[] settings = { "delayqueue.topics.faults.concurrency=8", "delayqueue.topics.faults.prefetch=32",
				"faults.handler-millis=100", "delayqueue.worker.shutdown-timeout=10s", "faults.log-starts=true" };
		WorkerProcess first = workers(redis, 1, settings).get(0);
		int n = size(200, 2_000);
		Set<String> scheduled = client.schedule("g", n, Instant.now(), Duration.ZERO);
		FaultSupport.await(() -> Ledger.read(this.logs).delivered() >= 16, Duration.ofSeconds(20), "first deliveries");
		long exitMillis = first.terminate(30);
		List<String> firstLog = Files.readAllLines(this.logs.resolve("w0.log"));
		Set<String> started = new LinkedHashSet<>();
		Set<String> finished = new LinkedHashSet<>();
		for (String line : firstLog) {
			if (line.startsWith("S ")) {
				started.add(line.split(" ")[1]);
			}
			else {
				finished.add(line.split(" ")[0]);
			}
		}
		long inFlightAfterExit = client.store.stats("faults").inFlight();
		int deliveredByFirst = Ledger.read(this.logs).delivered();
		this.resources.add(WorkerProcess.start(this.logs, "second", RedisConnection.standalone(redis.port()), this.prefix,
				settings)).awaitReady();
		Ledger ledger = FaultSupport.awaitDelivered(this.logs, scheduled, Duration.ofSeconds(60 + n / 40));
		FaultSupport.report("Graceful shutdown (SIGTERM under load)", n, ledger, scheduled,
				client.store.stats("faults").dead(), "exit " + exitMillis + " ms after SIGTERM, " + deliveredByFirst
						+ " delivered before, " + inFlightAfterExit + " left in flight");
		assertThat(inFlightAfterExit).as("in flight after a graceful exit").isZero();
		assertThat(finished).as("every handler running at SIGTERM finished in the first worker").containsAll(started);
		assertThat(ledger.missing(scheduled)).isEmpty();
		assertThat(ledger.duplicates()).isZero();
		FaultSupport.await(() -> client.store.stats("faults").inFlight() == 0, Duration.ofSeconds(10), "acks");
		FaultSupport.assertNoOrphans(client.redis, this.prefix, true);
	}

	@Test
	void massExpiry_allJobsDueAtOneInstantDrainWhileRedisStaysResponsive() throws Exception {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		workers(redis, 2, "delayqueue.topics.faults.concurrency=8", "delayqueue.topics.faults.prefetch=200");
		int n = size(50_000, 1_000_000);
		Instant due = Instant.now().plusMillis(3_000 + n / 20);
		long scheduleStart = System.nanoTime();
		Set<String> scheduled = client.schedule("m", n, due, Duration.ZERO);
		long scheduleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scheduleStart);
		assertThat(Instant.now()).as("every job scheduled before the instant they are due").isBefore(due);
		List<Long> pings = new CopyOnWriteArrayList<>();
		AtomicBoolean draining = new AtomicBoolean(true);
		RedisClient lettuce = RedisClient.create("redis://127.0.0.1:" + redis.port());
		Thread pinger = new Thread(() -> {
			try (StatefulRedisConnection<String, String> connection = lettuce.connect()) {
				while (draining.get()) {
					long start = System.nanoTime();
					connection.sync().ping();
					if (Instant.now().isAfter(due)) {
						pings.add(System.nanoTime() - start);
					}
					WorkerProcess.sleep(10);
				}
			}
		});
		pinger.start();
		client.redis.execute((RedisCallback<Object>) (connection) -> {
			connection.serverCommands().setConfig("latency-monitor-threshold", "5");
			return null;
		});
		Ledger ledger;
		long serverMax;
		try {
			FaultSupport.await(() -> Instant.now().isAfter(due) && client.store.stats("faults").pending() == 0
					&& client.store.stats("faults").inFlight() == 0, Duration.ofSeconds(size(120, 600)), "the drain");
			ledger = Ledger.read(this.logs);
			serverMax = redisLatencyMax(lettuce);
		}
		finally {
			draining.set(false);
			pinger.join();
			lettuce.shutdown();
		}
		long drainMillis = Files.list(this.logs).filter((f) -> f.toString().endsWith(".log")).mapToLong((f) -> {
			try {
				return Files.readAllLines(f).stream().mapToLong((l) -> Long.parseLong(l.split(" ")[3])).max().orElse(0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}).max().orElse(0) - due.toEpochMilli();
		List<Long> sorted = pings.stream().sorted().toList();
		double p50 = sorted.get(sorted.size() / 2) / 1e6;
		double p99 = sorted.get((int) (sorted.size() * 0.99)) / 1e6;
		double max = sorted.get(sorted.size() - 1) / 1e6;
		FaultSupport.report("Mass expiry (all due at one instant, 2 JVMs)", n, ledger, scheduled,
				client.store.stats("faults").dead(), String.format("scheduled in %,d ms; drained in %,d ms (%,.0f jobs/s); "
						+ "PING during drain p50 %.1f / p99 %.1f / max %.1f ms (%d samples; the client shares 2 cores with "
						+ "Redis and the workers); slowest Redis event %d ms (LATENCY, threshold 5 ms)", scheduleMillis,
						drainMillis, n * 1000.0 / Math.max(1, drainMillis), p50, p99, max, sorted.size(), serverMax));
		assertThat(ledger.missing(scheduled)).as("lost").isEmpty();
		assertThat(ledger.duplicates()).isZero();
		assertThat(serverMax).as("slowest event inside Redis (ms) during the drain").isLessThan(50);
		FaultSupport.await(() -> client.store.stats("faults").inFlight() == 0, Duration.ofSeconds(10), "acks");
		FaultSupport.assertNoOrphans(client.redis, this.prefix, true);
	}

}
