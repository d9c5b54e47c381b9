package dev.delayqueue.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.faults.FaultSupport.Client;

import static dev.delayqueue.faults.FaultSupport.size;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Worker JVMs whose clocks are 30 s ahead and 30 s behind (Debian's libfaketime, preloaded), beside one whose clock
 * is right, deliver one stream of jobs. Every delivery's start is read from Redis's {@code TIME}, the time base the
 * jobs were scheduled in: none may start before its due time, none may run twice (a worker ahead would take leases
 * that are still live), and lateness stays as without skew. A control run with Redis time off shows what the
 * skew does otherwise.
 */
class ClockSkewFaultTests {

	private static final Duration SKEW = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	@RegisterExtension
	final Resources resources = new Resources();

	private String prefix;

	@BeforeEach
	void setUp() {
		assumeThat(Files.isReadable(WorkerProcess.LIBFAKETIME)).as("Debian's libfaketime (.ci/run installs faketime)")
			.isTrue();
		this.prefix = "skew-" + Long.toHexString(System.nanoTime());
	}


	@Test
	void clocks30SecondsAheadAndBehind_nothingIsDeliveredEarlyNorTwice() throws Exception {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		Path logs = Files.createDirectories(this.dir.resolve("logs"));
		// a lease far shorter than the skew: a worker ahead by its own clock would find every live lease run out
		String[] settings = { "delayqueue.topics.faults.lease=3s", "delayqueue.topics.faults.concurrency=4",
				"faults.handler-millis=20", "faults.redis-time=true", "delayqueue.worker.poll-interval=500ms" };
		Map<String, Duration> skews = Map.of("ahead", SKEW, "behind", SKEW.negated(), "right", Duration.ZERO);
		List<WorkerProcess> workers = new ArrayList<>();
		for (Map.Entry<String, Duration> skew : skews.entrySet()) {
			workers.add(this.resources.add(WorkerProcess.start(logs, skew.getKey(),
					skew.getValue().isZero() ? Map.of() : WorkerProcess.faketime(skew.getValue()),
					RedisConnection.standalone(redis.port()), this.prefix, settings)));
		}
		workers.forEach(WorkerProcess::awaitReady);
		StringBuilder offsets = new StringBuilder();
		for (WorkerProcess worker : workers) {
			String ready = worker.readyLine();
			offsets.append(offsets.isEmpty() ? "" : ", ").append(worker.instance()).append(' ').append(ready);
			long offset = Long.parseLong(ready.substring(ready.indexOf('=') + 1));
			assertThat(offset).as("offset measured by %s", worker.instance())
				.isCloseTo(-skews.get(worker.instance()).toMillis(), within(200L));
		}
		int n = size(1_500, 15_000);
		Duration spread = Duration.ofSeconds(size(10, 60));
		Set<String> scheduled = client.schedule("k", n, Instant.now().plusSeconds(2), spread);
		Ledger ledger = FaultSupport.awaitDelivered(logs, scheduled, spread.plusSeconds(60));
		Ledger.Counts counts = ledger.counts(scheduled);
		FaultSupport.report("Clocks 30 s ahead and behind (3 JVMs)", counts, ledger.lost(scheduled),
				client.store.stats("faults").dead(), counts.early() + " early (in Redis time), p99 lateness "
						+ counts.p99() + " ms; offsets found: " + offsets);
		System.out.println("FAULTS skew " + counts + " by worker " + ledger.deliveriesByInstance());
		for (WorkerProcess worker : workers) {
			try (var lines = Files.lines(logs.resolve(worker.instance() + ".log"))) {
				List<Long> late = lines.map((line) -> line.split(" "))
					.filter((parts) -> parts.length >= 5)
					.map((parts) -> Long.parseLong(parts[3]) - Long.parseLong(parts[2]))
					.sorted()
					.toList();
				System.out.println("FAULTS skew " + worker.instance() + " lateness min "
						+ (late.isEmpty() ? "-" : late.get(0)) + " p50 "
						+ (late.isEmpty() ? "-" : late.get(late.size() / 2)) + " max "
						+ (late.isEmpty() ? "-" : late.get(late.size() - 1)) + " of " + late.size() + ", early "
						+ late.stream().filter((l) -> l < 0).count());
			}
		}
		assertThat(ledger.missing(scheduled)).as("lost").isEmpty();
		assertThat(counts.early()).as("deliveries before the due time, by Redis's clock").isZero();
		assertThat(counts.duplicates()).as("second deliveries: leases taken while live").isZero();
		assertThat(counts.p99()).as("p99 lateness (ms), as without skew").isLessThan(500);
		Map<String, Long> byWorker = ledger.deliveriesByInstance();
		assertThat(byWorker.keySet()).as("every worker delivered, the skewed ones too")
			.containsExactlyInAnyOrderElementsOf(skews.keySet());
		FaultSupport.assertNoOrphans(client.redis, this.prefix, true);
	}

	@Test
	void control_withRedisTimeOffAWorkerAheadDeliversEarly() throws Exception {
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), this.prefix));
		Path logs = Files.createDirectories(this.dir.resolve("logs"));
		this.resources.add(WorkerProcess.start(logs, "ahead", WorkerProcess.faketime(SKEW),
				RedisConnection.standalone(redis.port()), this.prefix, "faults.redis-time=true",
				"delayqueue.clock.redis-time=false")).awaitReady();
		int n = 200;
		Set<String> scheduled = client.schedule("c", n, Instant.now().plusSeconds(20), Duration.ofSeconds(5));
		Ledger ledger = FaultSupport.awaitDelivered(logs, scheduled, Duration.ofSeconds(30));
		Ledger.Counts counts = ledger.counts(scheduled);
		FaultSupport.report("Control: a clock 30 s ahead, Redis time off", counts, ledger.lost(scheduled), 0,
				counts.early() + " of " + n + " delivered early (what Redis time prevents)");
		assertThat(counts.early()).as("without Redis time, the worker ahead delivers before the due time").isEqualTo(n);
	}

}
