package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.faults.FaultSupport.Client;

import static dev.delayqueue.faults.FaultSupport.size;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A topic's rate limit held by three worker JVMs sharing it: a backlog far larger than the limit allows is due at
 * once, and the deliveries started each second, all instances together, are counted over a window (10 s at CI size,
 * 60 s at full size) after the first second.
 */
class RateLimitFaultTests {

	private static final int RATE = 50;

	@TempDir
	Path dir;

	@RegisterExtension
	final Resources resources = new Resources();


	@Test
	void threeInstancesTogetherHoldTheTopicsRateWithinTenPercent() throws Exception {
		String prefix = "rate-" + Long.toHexString(System.nanoTime());
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), prefix));
		Path logs = Files.createDirectories(this.dir.resolve("logs"));
		List<WorkerProcess> workers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			workers.add(this.resources.add(WorkerProcess.start(logs, "w" + i, RedisConnection.standalone(redis.port()), prefix,
					"delayqueue.topics.faults.rate-limit=" + RATE, "delayqueue.topics.faults.concurrency=8",
					"faults.handler-millis=2")));
		}
		workers.forEach(WorkerProcess::awaitReady);
		int window = size(10, 60);
		int n = RATE * (window + 4);
		Instant due = Instant.now().plusSeconds(1);
		Set<String> scheduled = client.schedule("r", n, due, Duration.ZERO);
		WorkerProcess.sleep(1_000 + (window + 2) * 1_000L);
		List<Long> starts = new ArrayList<>();
		Map<String, Long> byWorker = new TreeMap<>();
		try (Stream<Path> files = Files.list(logs)) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".log")).toList()) {
				for (String line : Files.readAllLines(file)) {
					String[] parts = line.split(" ");
					if (parts.length >= 5) {
						starts.add(Long.parseLong(parts[3]));
						byWorker.merge(parts[4], 1L, Long::sum);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		long from = due.toEpochMilli() + 1_000;
		long to = from + window * 1_000L;
		long inWindow = starts.stream().filter((s) -> s >= from && s < to).count();
		double measured = inWindow / (double) window;
		double error = Math.abs(measured - RATE) / RATE;
		// the busiest and quietest second of the window
		long[] perSecond = new long[window];
		starts.stream().filter((s) -> s >= from && s < to).forEach((s) -> perSecond[(int) ((s - from) / 1_000)]++);
		long max = 0;
		long min = Long.MAX_VALUE;
		for (long count : perSecond) {
			max = Math.max(max, count);
			min = Math.min(min, count);
		}
		String notes = String.format("rate-limit %d/s, 3 worker JVMs, %,d jobs due at once: %,d started in the %d s "
				+ "after the first second = %.2f/s (%.1f %% off), per second %d..%d, by worker %s", RATE, n, inWindow,
				window, measured, 100 * error, min, max, byWorker);
		FaultSupport.write(String.format("| Rate limit held by 3 instances | %,d | %,d | - | - | - | - | %s |", n,
				starts.size(), notes));
		System.out.println("FAULTS " + notes);
		assertThat(error).as("measured rate %.2f/s against %d/s", measured, RATE).isLessThanOrEqualTo(0.10);
		assertThat(byWorker).as("every instance took its share").hasSize(3);
		assertThat(scheduled).hasSize(n);
		// let the rest drain quickly for the clean-up: nothing to assert on it
		client.store.stats("faults");
	}

}
