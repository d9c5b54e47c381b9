package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the workers' delivery logs say: every line ({@code id attempt dueMillis startedMillis instance [topic]}) is one
 * handler run that returned.
 */
final class Ledger {

	private final Map<String, Runs> runs = new HashMap<>();

	private long lines;

	/** Runs per worker instance. */
	private final Map<String, Long> byInstance = new TreeMap<>();

	static Ledger read(Path dir) {
		Ledger ledger = new Ledger();
		try (Stream<Path> files = Files.list(dir)) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".log")).toList()) {
				for (String line : Files.readAllLines(file)) {
					String[] parts = line.split(" ");
					if (parts.length < 5) {
						continue; // "S id attempt dueMillis" start lines
					}
					int attempt;
					long due;
					long started;
					try {
						attempt = Integer.parseInt(parts[1]);
						due = Long.parseLong(parts[2]);
						started = Long.parseLong(parts[3]);
					}
					catch (NumberFormatException ex) {
						// seen once in a full run (a timestamp where the attempt belongs), not reproduced: name the line
						throw new IllegalStateException("Unreadable delivery line in " + file + ": '" + line + "'", ex);
					}
					ledger.lines++;
					ledger.byInstance.merge(parts[4], 1L, Long::sum);
					ledger.runs.computeIfAbsent(parts[0], (id) -> new Runs()).add(attempt, due, started);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return ledger;
	}

	/**
	 * Returns how many runs each worker instance logged.
	 * @return runs by instance name
	 */
	Map<String, Long> deliveriesByInstance() {
		return this.byInstance;
	}

	int delivered() {
		return this.runs.size();
	}

	long duplicates() {
		return this.lines - this.runs.size();
	}

	int lost(Set<String> scheduled) {
		return missing(scheduled).size();
	}

	Set<String> missing(Collection<String> scheduled) {
		Set<String> missing = new HashSet<>(scheduled);
		missing.removeAll(this.runs.keySet());
		return missing;
	}

	long worstLateness() {
		return this.runs.values().stream().mapToLong((r) -> r.firstLateness).max().orElse(0);
	}

	/**
	 * Returns when the first run of any of these jobs that started at or after a moment started (epoch ms), empty
	 * when none did.
	 */
	OptionalLong firstStartAtOrAfter(Collection<String> ids, long moment) {
		long first = Long.MAX_VALUE;
		for (String id : ids) {
			Runs runs = this.runs.get(id);
			if (runs != null) {
				for (long started : runs.starts) {
					if (started >= moment) {
						first = Math.min(first, started);
					}
				}
			}
		}
		return (first == Long.MAX_VALUE) ? OptionalLong.empty() : OptionalLong.of(first);
	}

	/**
	 * Returns the longest time without a delivery start of any of these jobs within a window: how long deliveries
	 * stopped around a fault, given jobs fall due all the time.
	 * @param ids the jobs
	 * @param from the window's start (epoch ms)
	 * @param to the window's end (epoch ms)
	 * @return the longest gap in ms, the window's edges counting as starts
	 */
	long longestPause(Collection<String> ids, long from, long to) {
		List<Long> starts = new ArrayList<>();
		for (String id : ids) {
			Runs runs = this.runs.get(id);
			if (runs != null) {
				runs.starts.stream().filter((s) -> s >= from && s <= to).forEach(starts::add);
			}
		}
		starts.add(from);
		starts.add(to);
		starts.sort(null);
		long longest = 0;
		for (int i = 1; i < starts.size(); i++) {
			longest = Math.max(longest, starts.get(i) - starts.get(i - 1));
		}
		return longest;
	}

	/**
	 * Counts for some of the jobs only, for example one topic's.
	 * @param ids the jobs
	 * @return what the logs say about them
	 */
	Counts counts(Collection<String> ids) {
		int delivered = 0;
		long duplicates = 0;
		long early = 0;
		long reclaimed = 0;
		long sameAttempt = 0;
		List<Long> lateness = new ArrayList<>(ids.size());
		for (String id : ids) {
			Runs runs = this.runs.get(id);
			if (runs == null) {
				continue;
			}
			delivered++;
			duplicates += runs.starts.size() - 1;
			early += runs.early;
			reclaimed += runs.attempts.stream().filter((a) -> a > 1).count();
			sameAttempt += runs.attempts.size() - new HashSet<>(runs.attempts).size();
			lateness.add(runs.firstLateness);
		}
		lateness.sort(null);
		return new Counts(ids.size(), delivered, ids.size() - delivered, duplicates, reclaimed, sameAttempt, early,
				percentile(lateness, 0.5), percentile(lateness, 0.99),
				lateness.isEmpty() ? 0 : lateness.get(lateness.size() - 1));
	}

	private static long percentile(List<Long> sorted, double p) {
		return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(sorted.size() * p)));
	}

	/** The runs of one job. */
	private static final class Runs {

		final List<Integer> attempts = new ArrayList<>(1);

		final List<Long> starts = new ArrayList<>(1);

		long firstLateness = Long.MAX_VALUE;

		int early;

		void add(int attempt, long due, long started) {
			this.attempts.add(attempt);
			this.starts.add(started);
			this.firstLateness = Math.min(this.firstLateness, started - due);
			if (started < due) {
				this.early++;
			}
		}

	}

	/**
	 * What the logs say about a set of jobs.
	 *
	 * @param jobs how many jobs the set has
	 * @param delivered how many ran at least once
	 * @param lost how many never ran
	 * @param duplicates runs beyond the first of each job
	 * @param reclaimed runs with an attempt number above 1: claimed again after a lease ran out (the handlers here
	 * never fail)
	 * @param sameAttempt runs whose attempt number an earlier run of the same job had: claimed twice without the
	 * attempt being counted, which only a claim lost with a failed master explains
	 * @param early runs that started before the job was due
	 * @param p50 median lateness of each job's first run, ms
	 * @param p99 99th percentile of that lateness, ms
	 * @param max largest of that lateness, ms
	 */
	record Counts(int jobs, int delivered, int lost, long duplicates, long reclaimed, long sameAttempt, long early,
			long p50, long p99, long max) {

		/** As a report cell. */
		String summary() {
			return String.format("%,d/%,d delivered, %d not, %d dup (%d re-claimed after a lease, %d same attempt), "
					+ "%d early, lateness p50 %,d / p99 %,d / max %,d ms", this.delivered, this.jobs, this.lost,
					this.duplicates, this.reclaimed, this.sameAttempt, this.early, this.p50, this.p99, this.max);
		}

	}

}
