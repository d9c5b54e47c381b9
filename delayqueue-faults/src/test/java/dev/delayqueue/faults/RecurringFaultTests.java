package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.TopicStats;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.faults.FaultSupport.Client;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recurring job declared in the configuration of two worker JVMs, every second, each occurrence taking 400 ms: the
 * instance in the middle of an occurrence is killed with SIGKILL (2 times at CI size, 8 at full size) and started
 * again. Every occurrence is completed exactly once (the one killed is delivered again once its lease runs out), no
 * occurrence time is ever delivered twice, the times keep the schedule's rhythm, and one occurrence is pending at the
 * end.
 */
class RecurringFaultTests {

	@TempDir
	Path dir;

	@RegisterExtension
	final Resources resources = new Resources();

	@Test
	void killingTheInstanceMidOccurrenceNeitherSkipsNorDoublesIt() throws Exception {
		String prefix = "recurring-" + Long.toHexString(System.nanoTime());
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), prefix));
		Path logs = Files.createDirectories(this.dir.resolve("logs"));
		String[] properties = { "delayqueue.recurring.beat.topic=faults", "delayqueue.recurring.beat.every=1s",
				"delayqueue.topics.faults.lease=2s", "faults.handler-millis=400", "faults.log-starts=true" };
		RedisConnection connection = RedisConnection.standalone(redis.port());
		List<WorkerProcess> live = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			live.add(this.resources.add(WorkerProcess.start(logs, "w" + i, connection, prefix, properties)));
		}
		live.forEach(WorkerProcess::awaitReady);
		int kills = FaultSupport.size(2, 8);
		List<Long> killedOccurrences = new ArrayList<>();
		for (int k = 0; k < kills; k++) {
			WorkerProcess.sleep(1_500);
			// the instance whose last line is the start of an occurrence is in the middle of it
			WorkerProcess victim = null;
			long occurrence = -1;
			long deadline = System.currentTimeMillis() + 20_000;
			while (victim == null && System.currentTimeMillis() < deadline) {
				for (WorkerProcess worker : live) {
					String last = lastLine(logs.resolve(worker.instance() + ".log"));
					if (last != null && last.startsWith("S beat ")) {
						victim = worker;
						occurrence = Long.parseLong(last.split(" ")[3]);
						break;
					}
				}
				if (victim == null) {
					WorkerProcess.sleep(20);
				}
			}
			assertThat(victim).as("an instance in the middle of an occurrence").isNotNull();
			victim.kill();
			killedOccurrences.add(occurrence);
			live.remove(victim);
			live.add(this.resources.add(WorkerProcess.start(logs, victim.instance() + "r", connection, prefix,
					properties)).awaitReady());
		}
		WorkerProcess.sleep(4_000);
		for (WorkerProcess worker : live) {
			worker.terminate(30);
		}
		// occurrence time -> completions, and the starts of each
		Map<Long, List<String>> completed = new TreeMap<>();
		Map<Long, Integer> starts = new TreeMap<>();
		for (String line : allLines(logs)) {
			String[] parts = line.split(" ");
			if (line.startsWith("S beat ")) {
				starts.merge(Long.parseLong(parts[3]), 1, Integer::sum);
			}
			else if (parts[0].equals("beat")) {
				completed.computeIfAbsent(Long.parseLong(parts[2]), (t) -> new ArrayList<>())
					.add(parts[4] + " attempt " + parts[1]);
			}
		}
		List<Long> times = new ArrayList<>(completed.keySet());
		long doubles = completed.values().stream().filter((c) -> c.size() > 1).count();
		long folded = 0;
		for (int i = 1; i < times.size(); i++) {
			long step = times.get(i) - times.get(i - 1);
			assertThat(step % 1_000).as("occurrence times keep the 1 s rhythm: %s", times).isZero();
			folded += step / 1_000 - 1;
		}
		TopicStats stats = client.queue.stats("faults");
		String notes = String.format("2 worker JVMs, every 1 s, 400 ms per occurrence, %d SIGKILLs mid-occurrence: "
				+ "%d occurrences completed, %d started twice (the killed ones), %d completed twice, %d times folded "
				+ "into a running occurrence (while the killed one waited for its lease), pending at the end %d",
				kills, completed.size(), starts.values().stream().filter((n) -> n > 1).count(), doubles, folded,
				stats.pending() + stats.inFlight());
		FaultSupport.write(String.format("| Recurring job, instance killed mid-occurrence | %,d | %,d | 0 | %d | 0 | - "
				+ "| %s |", completed.size(), completed.size(), doubles, notes));
		System.out.println("FAULTS " + notes);
		assertThat(doubles).as("no occurrence completed twice: %s", completed).isZero();
		for (long killed : killedOccurrences) {
			assertThat(completed.get(killed)).as("the occurrence killed at %d is delivered again, once", killed)
				.singleElement()
				.asString()
				.endsWith("attempt 2");
		}
		assertThat(starts.keySet()).as("every occurrence started was completed").isEqualTo(completed.keySet());
		assertThat(completed.size()).as("occurrences ran throughout").isGreaterThanOrEqualTo(kills * 2 + 3);
		assertThat(stats.pending() + stats.inFlight()).as("exactly one occurrence is pending").isEqualTo(1);
		assertThat(stats.dead()).isZero();
		assertThat(client.queue.recurringJobs()).singleElement()
			.satisfies((schedule) -> assertThat(schedule.declaredIn()).isEqualTo("configuration:fault-worker"));
	}

	private static String lastLine(Path log) {
		try {
			if (!Files.exists(log)) {
				return null;
			}
			List<String> lines = Files.readAllLines(log);
			return lines.isEmpty() ? null : lines.get(lines.size() - 1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<String> allLines(Path logs) {
		List<String> lines = new ArrayList<>();
		try (Stream<Path> files = Files.list(logs)) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".log")).toList()) {
				lines.addAll(Files.readAllLines(file));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return lines;
	}

}
