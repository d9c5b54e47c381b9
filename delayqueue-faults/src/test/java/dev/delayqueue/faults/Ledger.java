package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the workers' delivery logs say: every line is one handler run that returned.
 */
final class Ledger {

	private final Map<String, Integer> runs = new HashMap<>();

	private final Map<String, Long> firstLateness = new HashMap<>();

	private long lines;

	static Ledger read(Path dir) {
		Ledger ledger = new Ledger();
		try (Stream<Path> files = Files.list(dir)) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".log")).toList()) {
				for (String line : Files.readAllLines(file)) {
					String[] parts = line.split(" ");
					if (parts.length < 5) {
						continue; // "S id" start lines
					}
					ledger.lines++;
					ledger.runs.merge(parts[0], 1, Integer::sum);
					long lateness = Long.parseLong(parts[3]) - Long.parseLong(parts[2]);
					ledger.firstLateness.merge(parts[0], lateness, Math::min);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return ledger;
	}

	int delivered() {
		return this.runs.size();
	}

	long duplicates() {
		return this.lines - this.runs.size();
	}

	int lost(Set<String> scheduled) {
		Set<String> missing = new HashSet<>(scheduled);
		missing.removeAll(this.runs.keySet());
		return missing.size();
	}

	Set<String> missing(Set<String> scheduled) {
		Set<String> missing = new HashSet<>(scheduled);
		missing.removeAll(this.runs.keySet());
		return missing;
	}

	long worstLateness() {
		return this.firstLateness.values().stream().mapToLong(Long::longValue).max().orElse(0);
	}

	long latenessPercentile(double p) {
		List<Long> sorted = this.firstLateness.values().stream().sorted().toList();
		return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(sorted.size() * p)));
	}

}
