package dev.delayqueue.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.JobRequest;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.faults.FaultSupport.Client;

import static dev.delayqueue.faults.FaultSupport.size;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Worker JVMs reach Redis through a {@link FlakyProxy} while a steady stream of jobs is scheduled directly: 200 ms
 * of latency with jitter, connections reset mid-command, a 10 s black hole, then every connection left half-open
 * for good. After each fault: the longest pause in deliveries, how late the jobs due around it were, and how late a
 * job on an idle topic is (it is only on time if the worker's wake-up subscription works: the workers poll every
 * 10 s). Nothing may be lost; duplicates are bounded by what the workers held.
 */
class FlakyNetworkFaultTests {

	/**
	 * What both workers may hold at once: (concurrency 4 + prefetch 64) each. A job is held from its claim until its
	 * outcome is written, two round trips apart, so under 200-300 ms of latency each way an instance delivers at most
	 * about 68 jobs a second; the load stays below what two can do.
	 */
	private static final int HELD = 2 * (4 + 64);

	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	Path dir;

	@RegisterExtension
	final Resources resources = new Resources();


	@Test
	void latencyResetsBlackHoleAndHalfOpenConnections_deliveryResumesByItselfNothingLost() throws Exception {
		String prefix = "flaky-" + Long.toHexString(System.nanoTime());
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		FlakyProxy proxy = this.resources.add(new FlakyProxy(redis.port()));
		Client client = this.resources.add(new Client(redis.port(), prefix));
		Path logs = Files.createDirectories(this.dir.resolve("logs"));
		String[] settings = { "delayqueue.topics.faults.lease=5s", "delayqueue.topics.faults.concurrency=4",
				"delayqueue.topics.faults.prefetch=64", "faults.handler-millis=2", "faults.topics=idle",
				"delayqueue.worker.poll-interval=10s", "logging.level.dev.delayqueue.worker=ERROR" };
		for (int i = 0; i < 2; i++) {
			this.resources.add(WorkerProcess.start(logs, "w" + i, RedisConnection.standalone(proxy.port()), prefix, settings));
		}
		this.resources.workers().forEach(WorkerProcess::awaitReady);
		Duration interval = Duration.ofMillis(size(20, 10));
		SteadyLoad load = this.resources.add(new SteadyLoad(client.queue, "n-", List.of("faults"), Duration.ofSeconds(1),
				interval).start());
		Map<String, long[]> phases = new LinkedHashMap<>();
		Set<String> idle = new LinkedHashSet<>();
		List<String> idleLateness = new ArrayList<>();
		Duration calm = Duration.ofSeconds(size(4, 10));

		WorkerProcess.sleep(calm.toMillis());
		long start = System.currentTimeMillis();
		System.out.println("FAULTS flaky latency at " + Instant.ofEpochMilli(start));
		proxy.latency(Duration.ofMillis(200), Duration.ofMillis(100));
		WorkerProcess.sleep(size(10, 30) * 1_000L);
		proxy.latency(Duration.ZERO, Duration.ZERO);
		phases.put("latency 200 ms + 0-100 ms jitter", new long[] { start, System.currentTimeMillis() });
		idleProbe(client, idle, "after latency");
		WorkerProcess.sleep(calm.toMillis());

		int resets = size(3, 10);
		int connectionsReset = 0;
		for (int i = 0; i < resets; i++) {
			long at = System.currentTimeMillis();
			connectionsReset += proxy.resetAll();
			phases.put("reset " + (i + 1), new long[] { at, at });
			WorkerProcess.sleep(2_000);
		}
		idleProbe(client, idle, "after resets");
		WorkerProcess.sleep(calm.toMillis());

		start = System.currentTimeMillis();
		System.out.println("FAULTS flaky black hole at " + Instant.ofEpochMilli(start));
		proxy.blackHole(true);
		WorkerProcess.sleep(10_000);
		proxy.blackHole(false);
		phases.put("black hole 10 s", new long[] { start, System.currentTimeMillis() });
		WorkerProcess.sleep(3_000);
		idleProbe(client, idle, "after the black hole");
		WorkerProcess.sleep(calm.toMillis());

		long frozenAt = System.currentTimeMillis();
		System.out.println("FAULTS flaky half-open at " + Instant.ofEpochMilli(frozenAt));
		int frozen = proxy.freezeOpenConnections();
		String halfOpen = "half-open (" + frozen + " connections)";
		phases.put(halfOpen, new long[] { frozenAt, frozenAt });
		WorkerProcess.sleep(15_000);
		idleProbe(client, idle, "15 s after half-open");
		WorkerProcess.sleep(calm.toMillis());

		// again under latency: reconnecting and subscribing again take round trips of their own
		proxy.latency(Duration.ofMillis(250), Duration.ZERO);
		WorkerProcess.sleep(2_000);
		long slowFrozenAt = System.currentTimeMillis();
		int slowFrozen = proxy.freezeOpenConnections();
		String slowHalfOpen = "half-open under 250 ms of latency (" + slowFrozen + " connections)";
		phases.put(slowHalfOpen, new long[] { slowFrozenAt, slowFrozenAt });
		WorkerProcess.sleep(25_000);
		proxy.latency(Duration.ZERO, Duration.ZERO);
		WorkerProcess.sleep(1_000);
		idleProbe(client, idle, "after half-open under latency");
		WorkerProcess.sleep(calm.toMillis());
		load.stop();

		Set<String> scheduled = new LinkedHashSet<>(load.acceptedIds((a) -> true));
		Ledger ledger = FaultSupport.awaitDelivered(logs, scheduled, Duration.ofSeconds(60));
		Ledger idleLedger = FaultSupport.awaitDelivered(logs, idle, Duration.ofSeconds(30));
		for (String id : idle) {
			idleLateness.add(id.substring(0, id.lastIndexOf('#')) + " " + idleLedger.counts(List.of(id)).max() + " ms");
		}
		List<String> notes = new ArrayList<>();
		Map<String, Long> pauses = new LinkedHashMap<>();
		List<long[]> windows = new ArrayList<>(phases.values());
		int index = 0;
		for (Map.Entry<String, long[]> phase : phases.entrySet()) {
			long from = phase.getValue()[0];
			long to = phase.getValue()[1];
			// up to 15 s after the fault, or to the next fault
			long until = (++index < windows.size()) ? Math.min(to + 15_000, windows.get(index)[0]) : to + 15_000;
			// jobs due from a lease before the fault (in flight when it struck) to 2 s after it
			List<String> around = load.acceptedIds((a) -> a.dueAt() >= from - 5_000 && a.dueAt() <= to + 2_000);
			// deliveries stopped: the longest gap between two delivery starts in that window
			long pause = ledger.longestPause(scheduled, from, until);
			pauses.put(phase.getKey(), pause);
			Ledger.Counts counts = ledger.counts(around);
			notes.add(String.format("%s: longest pause in deliveries %,d ms, jobs due from 5 s before to 2 s after: p99 "
					+ "%,d / max %,d ms, %d twice", phase.getKey(), pause, counts.p99(), counts.max(),
					counts.duplicates()));
		}
		Ledger.Counts counts = ledger.counts(scheduled);
		int failed = load.failed().size();
		String summary = String.join("; ", notes) + "; idle-topic job 300 ms ahead, lateness: "
				+ String.join(", ", idleLateness) + "; " + connectionsReset + " connections reset; proxy accepted "
				+ proxy.accepted() + " connections in all; " + failed + " schedule calls failed (the client is not "
				+ "behind the proxy); duplicates bound " + HELD + " (held by the workers when their connections froze)";
		for (String worker : List.of("w0", "w1")) {
			try (var lines = Files.lines(logs.resolve(worker + ".out"))) {
				lines.filter((line) -> line.contains("SilentChannels") || line.contains("WakeSubscriber"))
					.forEach((line) -> System.out.println("FAULTS flaky " + worker + " " + line.substring(11, 23) + " "
							+ line.substring(line.indexOf(" : ") + 3)));
			}
		}
		FaultSupport.report("Flaky network: latency, resets, 10 s black hole, half-open (proxy, 2 JVMs)", counts,
				ledger.lost(scheduled), 0, summary);
		assertThat(ledger.missing(scheduled)).as("lost").isEmpty();
		assertThat(idleLedger.missing(idle)).as("idle-topic jobs lost").isEmpty();
		assertThat(counts.duplicates()).as("second runs").isLessThanOrEqualTo(HELD);
		assertThat(pauses.values()).as("longest pause in deliveries around each fault (ms)").allMatch((ms) -> ms < 15_000);
		// the command timeout (5 s), a quarter of it between two checks, then Lettuce's first reconnect (100 ms)
		assertThat(pauses.get(halfOpen)).as("longest pause in deliveries once the connections went half-open (ms)")
			.isLessThan(5_000 + 1_250 + 1_000);
		assertThat(pauses.get(slowHalfOpen)).as("the same under 250 ms of latency (ms)").isLessThan(5_000 + 1_250 + 2_500);
		for (String id : idle) {
			assertThat(idleLedger.counts(List.of(id)).max()).as("lateness of %s: the wake-up subscription works", id)
				.isLessThan(1_000);
		}
		FaultSupport.await(() -> client.store.stats("faults").inFlight() == 0, Duration.ofSeconds(15), "acks");
		FaultSupport.assertNoOrphans(client.redis, prefix, true);
	}

	/** A job on a topic with nothing else, due 300 ms ahead: late by up to the poll interval without wake-ups. */
	private static void idleProbe(Client client, Set<String> ids, String when) {
		String id = when + "#" + ids.size();
		client.queue.schedule(JobRequest.builder("idle", id.replace(' ', '_')).at(Instant.now().plusMillis(300)).build());
		ids.add(id.replace(' ', '_'));
	}

}
