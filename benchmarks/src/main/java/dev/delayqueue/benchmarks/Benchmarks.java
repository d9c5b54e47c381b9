package dev.delayqueue.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

import dev.delayqueue.benchmarks.Subject.Job;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.store.ClaimResult;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.TopicPartition;

/**
 * Runs every scenario against delayqueue and Redisson's RDelayedQueue, alternating, on one Redis server of its own,
 * beside the raw Redis limit where one applies, and prints a table of medians. Options: {@code --quick} (smaller
 * sizes), {@code --full} (a million jobs in the mass expiry), {@code --reps N} (default 3), {@code --only a,b}
 * (scenario numbers 1-8). Scenario 8, one hot topic on a Redis Cluster of its own, runs only when named
 * ({@code --only 8}) and prints a table of its own.
 */
public final class Benchmarks {

	private static final String SMALL_BODY = "{\"orderId\":\"o-12345\",\"amount\":1299}";

	private static final String KIB_BODY = "{\"data\":\"" + "x".repeat(1013) + "\"}";

	private final Options options;

	private final RedisServerProcess redis;

	private final RawRedis raw;

	private final List<Row> rows = new ArrayList<>();

	private int runs;

	private Benchmarks(Options options, RedisServerProcess redis) {
		this.options = options;
		this.redis = redis;
		this.raw = new RawRedis(redis.port());
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		try (RedisServerProcess redis = RedisServerProcess.builder().start()) {
			Benchmarks benchmarks = new Benchmarks(options, redis);
			benchmarks.run();
		}
		System.exit(0);
	}

	private void run() throws Exception {
		String version = this.raw.connect().sync().info("server").lines()
			.filter((l) -> l.startsWith("redis_version:")).findFirst().orElse("?");
		System.out.printf("Redis %s (%s), %d reps, %s sizes, %d cores, %s%n", version.trim(), this.redis.binary(),
				this.options.reps, this.options.size, Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
		if (this.options.only().stream().anyMatch((scenario) -> scenario <= 7)) {
			warmUp();
		}
		if (this.options.wants(1)) {
			scheduling();
		}
		if (this.options.wants(2)) {
			steadyDelivery();
			if (!this.options.quick) {
				saturation();
			}
		}
		if (this.options.wants(3)) {
			massExpiry();
		}
		if (this.options.wants(4)) {
			endToEnd();
		}
		if (this.options.wants(5)) {
			this.rows.addAll(CallbackBenchmark.run(this.redis.port(), this.options.size(3_000, 10_000, 20_000),
					this.options.reps, this::prefix));
		}
		if (this.options.wants(6)) {
			memory();
		}
		if (this.options.wants(7)) {
			this.rows.add(StartupBenchmark.run(this.redis.port(), this.options.reps + 2));
		}
		String table = this.rows.isEmpty() ? "" : table();
		if (this.options.wants(8)) {
			table += (table.isEmpty() ? "" : "\n") + ClusterBenchmark.run(this.options.size(250, 1_000, 10_000),
					this.options.size(20_000, 50_000, 200_000), this.options.reps, this::prefix);
		}
		System.out.println();
		System.out.println(table);
		Path out = Path.of("benchmarks", "target", "benchmarks.md");
		if (!Files.isDirectory(out.getParent())) {
			out = Path.of("target", "benchmarks.md");
		}
		Files.createDirectories(out.getParent());
		Files.writeString(out, table);
		System.out.println("written to " + out.toAbsolutePath());
	}

	private String prefix() {
		return "bench" + (++this.runs);
	}

	private Subject subject(boolean delayqueue, int prefetch) {
		this.raw.flushAll();
		return delayqueue ? new DelayQueueSubject(this.redis.port(), prefix(), prefetch)
				: new RedissonSubject(this.redis.port(), "bench:" + prefix());
	}

	/** Runs {@code measure} reps times for each subject, alternating which goes first. */
	private Map<String, List<Double>> alternate(int prefetch, Measure measure) throws Exception {
		Map<String, List<Double>> results = new LinkedHashMap<>();
		results.put("delayqueue", new ArrayList<>());
		results.put("Redisson", new ArrayList<>());
		for (int rep = 0; rep < this.options.reps; rep++) {
			for (int k = 0; k < 2; k++) {
				boolean delayqueue = (rep % 2 == 0) == (k == 0);
				try (Subject subject = subject(delayqueue, prefetch)) {
					results.get(subject.name()).add(measure.run(subject));
				}
			}
		}
		return results;
	}

	interface Measure {

		double run(Subject subject) throws Exception;

	}

	// 1. scheduling throughput

	private void scheduling() throws Exception {
		int one = this.options.size(2_000, 10_000, 10_000);
		int batched = this.options.size(20_000, 100_000, 200_000);
		long due = System.currentTimeMillis() + 3_600_000;
		Map<String, List<Double>> single = alternate(0, (subject) -> {
			long start = System.nanoTime();
			for (int i = 0; i < one; i++) {
				subject.scheduleOne(new Job("s" + i, due, SMALL_BODY));
			}
			return one / seconds(start);
		});
		List<Double> rawSingle = new ArrayList<>();
		for (int rep = 0; rep < this.options.reps; rep++) {
			this.raw.flushAll();
			rawSingle.add(this.raw.schedule(prefix(), batched, 1, 64, SMALL_BODY));
		}
		this.rows.add(Row.higher("1a. schedule, one at a time (jobs/s)", single, Stats.median(rawSingle),
				"raw: schedule.lua, 1 job per call, 64 calls pipelined"));
		Map<String, List<Double>> callP50 = new LinkedHashMap<>();
		Map<String, List<Double>> callP99 = new LinkedHashMap<>();
		Map<String, List<Double>> concurrent = alternate(0, (subject) -> {
			int threads = 8;
			List<Thread> workers = new ArrayList<>();
			long[] calls = new long[one * threads];
			long start = System.nanoTime();
			for (int t = 0; t < threads; t++) {
				int first = t;
				Thread thread = new Thread(() -> {
					for (int i = first; i < one * threads; i += threads) {
						long callStart = System.nanoTime();
						subject.scheduleOne(new Job("c" + i, due, SMALL_BODY));
						calls[i] = System.nanoTime() - callStart;
					}
				});
				thread.start();
				workers.add(thread);
			}
			for (Thread thread : workers) {
				thread.join();
			}
			double rate = one * threads / seconds(start);
			List<Long> latencies = new ArrayList<>(calls.length);
			for (long call : calls) {
				latencies.add(call);
			}
			Stats stats = Stats.of(latencies);
			callP50.computeIfAbsent(subject.name(), (k) -> new ArrayList<>()).add(stats.percentile(0.50) / 1e3);
			callP99.computeIfAbsent(subject.name(), (k) -> new ArrayList<>()).add(stats.percentile(0.99) / 1e3);
			return rate;
		});
		this.rows.add(Row.higher("1c. schedule, one at a time from 8 threads (jobs/s)", concurrent,
				Stats.median(rawSingle), "e.g. web requests each scheduling a job; raw as in 1a"));
		this.rows.add(Row.lower("1c. one schedule call from 8 threads: p50 (µs)", callP50, Double.NaN, ""));
		this.rows.add(Row.lower("1c. one schedule call from 8 threads: p99 (µs)", callP99, Double.NaN, ""));
		Map<String, List<Double>> batches = alternate(0, (subject) -> {
			long start = System.nanoTime();
			List<Job> batch = new ArrayList<>(100);
			for (int i = 0; i < batched; i++) {
				batch.add(new Job("b" + i, due + i, SMALL_BODY));
				if (batch.size() == 100) {
					subject.scheduleBatch(batch);
					batch.clear();
				}
			}
			if (!batch.isEmpty()) {
				subject.scheduleBatch(batch);
			}
			return batched / seconds(start);
		});
		List<Double> rawBatched = new ArrayList<>();
		for (int rep = 0; rep < this.options.reps; rep++) {
			this.raw.flushAll();
			rawBatched.add(this.raw.schedule(prefix(), batched, 100, 8, SMALL_BODY));
		}
		this.rows.add(Row.higher("1b. schedule, batches of 100 (jobs/s)", batches, Stats.median(rawBatched),
				"delayqueue: scheduleAll; Redisson: 100 offerAsync awaited together; raw: schedule.lua, 100 jobs per "
						+ "call, 8 calls pipelined"));
	}

	/** Runs both subjects through scheduling and delivery once, unmeasured, so no figure includes JIT warm-up. */
	private void warmUp() throws Exception {
		alternate(16, (subject) -> {
			AtomicLong delivered = new AtomicLong();
			subject.startConsumers(8, (id, dueAt) -> delivered.incrementAndGet());
			long now = System.currentTimeMillis();
			for (int i = 0; i < 2_000; i++) {
				subject.scheduleOne(new Job("w" + i, now, SMALL_BODY));
			}
			scheduleAllAt(subject, 20_000, now, SMALL_BODY);
			awaitCount(() -> (int) delivered.get(), 22_000, System.currentTimeMillis() + 60_000);
			subject.stopConsumers();
			return 0;
		});
		this.raw.flushAll();
		this.raw.schedule(prefix(), 20_000, 100, 8, SMALL_BODY);
	}

	// 2. steady delivery: lateness at constant rates

	private void steadyDelivery() throws Exception {
		int seconds = this.options.size(3, 5, 10);
		List<Integer> rates = this.options.quick ? List.of(100, 1_000, 5_000)
				: List.of(100, 1_000, 5_000, 10_000, 20_000, 40_000);
		for (int rate : rates) {
			int n = rate * seconds;
			Map<String, List<Double>> p50 = new LinkedHashMap<>();
			Map<String, List<Double>> p99 = new LinkedHashMap<>();
			Map<String, List<Double>> p999 = new LinkedHashMap<>();
			Map<String, List<Double>> max = new LinkedHashMap<>();
			alternate(16, (subject) -> {
				Stats stats = lateness(subject, rate, seconds);
				String name = subject.name();
				p50.computeIfAbsent(name, (k) -> new ArrayList<>()).add((double) stats.percentile(0.50));
				p99.computeIfAbsent(name, (k) -> new ArrayList<>()).add((double) stats.percentile(0.99));
				p999.computeIfAbsent(name, (k) -> new ArrayList<>()).add((double) stats.percentile(0.999));
				max.computeIfAbsent(name, (k) -> new ArrayList<>()).add((double) stats.max());
				if (stats.size() < n) {
					System.out.printf("  %s at %d/s: only %d of %d delivered in time%n", name, rate, stats.size(), n);
				}
				return 0;
			});
			String label = String.format(Locale.ROOT, "2. steady %,d jobs/s for %d s: lateness", rate, seconds);
			this.rows.add(Row.lower(label + " p50 (ms)", p50, Double.NaN, ""));
			this.rows.add(Row.lower(label + " p99 (ms)", p99, Double.NaN, ""));
			this.rows.add(Row.lower(label + " p99.9 (ms)", p999, Double.NaN, ""));
			this.rows.add(Row.lower(label + " max (ms)", max, Double.NaN, "8 consumer threads each"));
		}
	}

	/**
	 * Schedules {@code rate * seconds} jobs due evenly over {@code seconds} from a little later, delivers them to 8
	 * consumer threads, and returns their lateness (ms); jobs not delivered within 30 s of the last due time are
	 * missing from it.
	 */
	private static Stats lateness(Subject subject, int rate, int seconds) throws InterruptedException {
		int n = rate * seconds;
		Map<String, Long> lateness = new ConcurrentHashMap<>();
		subject.startConsumers(8, (id, dueAt) -> lateness.putIfAbsent(id, System.currentTimeMillis() - dueAt));
		long start = System.currentTimeMillis() + 1_500 + n / 20;
		List<Job> batch = new ArrayList<>(100);
		for (int i = 0; i < n; i++) {
			batch.add(new Job("r" + i, start + (1_000L * i) / rate, SMALL_BODY));
			if (batch.size() == 100) {
				subject.scheduleBatch(batch);
				batch.clear();
			}
		}
		if (!batch.isEmpty()) {
			subject.scheduleBatch(batch);
		}
		awaitCount(lateness::size, n, start + seconds * 1_000L + 30_000);
		subject.stopConsumers();
		return Stats.of(new ArrayList<>(lateness.values()));
	}

	/** The steady rates the saturation search climbs, jobs per second. */
	private static final List<Integer> SATURATION_RATES = List.of(10_000, 15_000, 20_000, 25_000, 30_000, 40_000,
			50_000, 60_000, 80_000, 100_000);

	/**
	 * 2s. Each library's saturation point: the highest rate of {@link #SATURATION_RATES} it delivers for 3 s with a
	 * lateness p99 of at most 100 ms, every job delivered; it climbs until the first rate that fails.
	 */
	private void saturation() throws Exception {
		Map<String, List<Double>> points = alternate(16, (subject) -> {
			double held = 0;
			for (int rate : SATURATION_RATES) {
				Stats stats = lateness(subject, rate, 3);
				System.out.printf(Locale.ROOT, "    %s at %,d/s: p99 %d ms, %d of %d delivered%n", subject.name(), rate,
						(stats.size() > 0) ? stats.percentile(0.99) : -1, stats.size(), rate * 3);
				if (stats.size() < rate * 3 || stats.percentile(0.99) > 100) {
					break;
				}
				held = rate;
			}
			return held;
		});
		this.rows.add(Row.higher("2s. saturation: highest steady rate with lateness p99 <= 100 ms (jobs/s)", points,
				Double.NaN, "3 s at each of " + SATURATION_RATES.get(0) + ", " + SATURATION_RATES.get(1)
						+ ", ... jobs/s until one fails; 8 consumer threads each"));
	}

	// 3. mass expiry

	private void massExpiry() throws Exception {
		int n = this.options.size(30_000, 100_000, 1_000_000);
		Map<String, List<Double>> drain = new LinkedHashMap<>();
		Map<String, List<Double>> pingP99 = new LinkedHashMap<>();
		Map<String, List<Double>> pingMax = new LinkedHashMap<>();
		Map<String, List<Double>> serverMax = new LinkedHashMap<>();
		alternate(200, (subject) -> {
			AtomicLong delivered = new AtomicLong();
			AtomicLong last = new AtomicLong();
			subject.startConsumers(8, (id, dueAt) -> {
				delivered.incrementAndGet();
				last.accumulateAndGet(System.currentTimeMillis(), Math::max);
			});
			long due = System.currentTimeMillis() + 2_000 + n / 15;
			scheduleAllAt(subject, n, due, SMALL_BODY);
			sleepUntil(due - 200);
			this.raw.latencyMonitor(1);
			Stats pings;
			try (RawRedis.Pinger pinger = new RawRedis.Pinger(this.raw)) {
				awaitCount(() -> (int) delivered.get(), n, due + 600_000);
				pinger.close();
				pings = pinger.stats();
			}
			subject.stopConsumers();
			String name = subject.name();
			drain.computeIfAbsent(name, (k) -> new ArrayList<>()).add((double) (last.get() - due));
			pingP99.computeIfAbsent(name, (k) -> new ArrayList<>()).add(pings.percentile(0.99) / 1e6);
			pingMax.computeIfAbsent(name, (k) -> new ArrayList<>()).add(pings.max() / 1e6);
			serverMax.computeIfAbsent(name, (k) -> new ArrayList<>()).add((double) this.raw.latencyMax());
			return 0;
		});
		List<Double> rawDrain = new ArrayList<>();
		List<Double> rawPing = new ArrayList<>();
		for (int rep = 0; rep < this.options.reps; rep++) {
			this.raw.flushAll();
			try (DelayQueueSubject subject = new DelayQueueSubject(this.redis.port(), prefix(), 0)) {
				long due = System.currentTimeMillis() + 2_000 + n / 15;
				scheduleAllAt(subject, n, due, SMALL_BODY);
				sleepUntil(due - 200);
				try (RawRedis.Pinger pinger = new RawRedis.Pinger(this.raw)) {
					sleepUntil(due);
					rawDrain.add((double) (claimAndComplete(subject, n) - due));
					pinger.close();
					rawPing.add(pinger.stats().percentile(0.99) / 1e6);
				}
			}
		}
		String label = String.format(Locale.ROOT, "3. mass expiry of %,d jobs:", n);
		this.rows.add(Row.lower(label + " time to deliver all (ms)", drain, Stats.median(rawDrain),
				"8 consumer threads each; raw: " + RAW_CLAIMERS + " threads claiming " + RAW_CLAIM
						+ " and completing them, the same scripts without the worker"));
		this.rows.add(Row.lower(label + " PING p99 during it (ms)", pingP99, Stats.median(rawPing),
				"client-side, every 10 ms"));
		this.rows.add(Row.lower(label + " PING max during it (ms)", pingMax, Double.NaN, ""));
		this.rows.add(Row.lower(label + " slowest event inside Redis (ms)", serverMax, Double.NaN,
				"LATENCY LATEST, threshold 1 ms"));
	}

	private static final int RAW_CLAIMERS = 4;

	private static final int RAW_CLAIM = 200;

	/**
	 * The limit of a mass expiry: {@link #RAW_CLAIMERS} threads that claim up to {@link #RAW_CLAIM} due jobs and
	 * complete them at once, in a loop, through the store's own scripts (claim.lua, complete.lua) with no worker,
	 * handler pool or recorder between; returns when the last of {@code n} was completed (epoch ms).
	 */
	private static long claimAndComplete(DelayQueueSubject subject, int n) throws InterruptedException {
		TopicPartition partition = TopicPartition.first(DelayQueueSubject.TOPIC);
		AtomicLong completed = new AtomicLong();
		AtomicLong last = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < RAW_CLAIMERS; t++) {
			String token = "raw" + t + "-";
			Thread thread = new Thread(() -> {
				long claims = 0;
				while (completed.get() < n) {
					ClaimResult claim = subject.store.claim(partition, Lane.LOCAL, System.currentTimeMillis(),
							RAW_CLAIM, 60_000, token + (++claims));
					if (claim.jobs().isEmpty()) {
						continue;
					}
					subject.store.complete(partition, claim.jobs().stream().map(ClaimedJob::lease).toList());
					completed.addAndGet(claim.jobs().size());
					last.accumulateAndGet(System.currentTimeMillis(), Math::max);
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return last.get();
	}

	// 4. end-to-end throughput: schedule due-now jobs and deliver them at once

	private void endToEnd() throws Exception {
		int n = this.options.size(20_000, 100_000, 200_000);
		Map<String, List<Double>> throughput = alternate(200, (subject) -> endToEndRate(subject, n));
		this.rows.add(Row.higher(String.format(Locale.ROOT, "4. end to end, %,d jobs due now, no-op handler (jobs/s)", n),
				throughput, Double.NaN, "scheduled in batches of 100 while 8 consumers deliver"));
		if (this.options.wants(4)) {
			endToEndWithMeters(n);
		}
	}

	/**
	 * 4b. the same with delayqueue's Micrometer meters recording (SimpleMeterRegistry, gauges refreshed) against
	 * without, alternating which goes first; the off figure goes in the limit column, so the ratio is on / off.
	 */
	private void endToEndWithMeters(int n) throws Exception {
		List<Double> on = new ArrayList<>();
		List<Double> off = new ArrayList<>();
		for (int rep = 0; rep < this.options.reps; rep++) {
			for (int k = 0; k < 2; k++) {
				boolean meters = (rep % 2 == 0) == (k == 0);
				this.raw.flushAll();
				try (DelayQueueSubject subject = DelayQueueSubject.withMeters(this.redis.port(), prefix(), 200, meters)) {
					double rate = endToEndRate(subject, n);
					(meters ? on : off).add(rate);
					System.out.printf(Locale.ROOT, "    meters %s: %,.0f jobs/s%n", meters ? "on " : "off", rate);
				}
			}
		}
		this.rows.add(Row.higher(String.format(Locale.ROOT,
				"4b. end to end, %,d jobs, Micrometer meters on (jobs/s; limit column: meters off)", n),
				Map.of("delayqueue", on), Stats.median(off), "same run, alternating; on / off in the ratio column"));
	}

	/** Schedules {@code n} jobs due now in batches of 100 while 8 consumers deliver them; jobs per second. */
	private static double endToEndRate(Subject subject, int n) throws InterruptedException {
		AtomicLong delivered = new AtomicLong();
		subject.startConsumers(8, (id, dueAt) -> delivered.incrementAndGet());
		long start = System.nanoTime();
		scheduleAllAt(subject, n, System.currentTimeMillis(), SMALL_BODY);
		awaitCount(() -> (int) delivered.get(), n, System.currentTimeMillis() + 600_000);
		double rate = n / seconds(start);
		subject.stopConsumers();
		return rate;
	}

	// 6. memory per pending job

	private void memory() throws Exception {
		int n = this.options.size(20_000, 50_000, 100_000);
		for (String body : List.of(SMALL_BODY, KIB_BODY)) {
			Map<String, List<Double>> bytes = alternate(0, (subject) -> {
				long before = this.raw.usedMemory();
				scheduleAllAt(subject, n, System.currentTimeMillis() + 3_600_000, body);
				return (this.raw.usedMemory() - before) / (double) n;
			});
			this.rows.add(Row.lower(String.format(Locale.ROOT, "6. Redis memory per pending job, %d-byte body (bytes)",
					body.length()), bytes, Double.NaN, n + " jobs, used_memory delta"));
		}
	}

	private static void scheduleAllAt(Subject subject, int n, long due, String body) {
		List<Job> batch = new ArrayList<>(100);
		for (int i = 0; i < n; i++) {
			batch.add(new Job("m" + i, due, body));
			if (batch.size() == 100) {
				subject.scheduleBatch(batch);
				batch.clear();
			}
		}
		if (!batch.isEmpty()) {
			subject.scheduleBatch(batch);
		}
	}

	private static void awaitCount(IntSupplier count, int n, long deadlineMillis) throws InterruptedException {
		while (count.getAsInt() < n && System.currentTimeMillis() < deadlineMillis) {
			TimeUnit.MILLISECONDS.sleep(5);
		}
	}

	private static void sleepUntil(long millis) throws InterruptedException {
		long wait = millis - System.currentTimeMillis();
		if (wait > 0) {
			TimeUnit.MILLISECONDS.sleep(wait);
		}
	}

	static double seconds(long startNanos) {
		return (System.nanoTime() - startNanos) / 1e9;
	}

	private String table() {
		StringBuilder out = new StringBuilder();
		out.append("| scenario | delayqueue | Redisson | delayqueue vs Redisson | raw Redis limit | delayqueue / raw | notes |\n");
		out.append("|---|---|---|---|---|---|---|\n");
		for (Row row : this.rows) {
			out.append(row.markdown()).append('\n');
		}
		return out.toString();
	}

	/** One line of the table: medians, and how they compare. */
	record Row(String scenario, double delayqueue, double redisson, double raw, boolean higherIsBetter, String notes) {

		static Row higher(String scenario, Map<String, List<Double>> results, double raw, String notes) {
			return of(scenario, results, raw, true, notes);
		}

		static Row lower(String scenario, Map<String, List<Double>> results, double raw, String notes) {
			return of(scenario, results, raw, false, notes);
		}

		private static Row of(String scenario, Map<String, List<Double>> results, double raw, boolean higher,
				String notes) {
			List<Double> dq = results.getOrDefault("delayqueue", List.of());
			List<Double> rs = results.getOrDefault("Redisson", List.of());
			Row row = new Row(scenario, dq.isEmpty() ? Double.NaN : Stats.median(dq),
					rs.isEmpty() ? Double.NaN : Stats.median(rs), raw, higher, notes);
			System.out.println("  " + row.markdown());
			return row;
		}

		String markdown() {
			String ratio = "";
			if (!Double.isNaN(this.delayqueue) && !Double.isNaN(this.redisson)) {
				// lateness has millisecond resolution: compare at least 1 ms to at least 1 ms
				double dq = this.higherIsBetter ? this.delayqueue : Math.max(1, this.delayqueue);
				double rs = this.higherIsBetter ? this.redisson : Math.max(1, this.redisson);
				double better = this.higherIsBetter ? dq / rs : rs / dq;
				ratio = (Math.abs(better - 1) < 0.005) ? "same"
						: String.format(Locale.ROOT, "%.2fx %s", better, (better > 1) ? "better" : "worse");
			}
			String ofRaw = (!Double.isNaN(this.raw) && !Double.isNaN(this.delayqueue))
					? String.format(Locale.ROOT, "%.0f %%", 100 * this.delayqueue / this.raw) : "";
			return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |", this.scenario,
					format(this.delayqueue), format(this.redisson), ratio, format(this.raw), ofRaw, this.notes);
		}

		private static String format(double value) {
			if (Double.isNaN(value)) {
				return "";
			}
			return (Math.abs(value) >= 100) ? String.format(Locale.ROOT, "%,.0f", value)
					: String.format(Locale.ROOT, "%.1f", value);
		}

	}

	/** Command-line options. */
	record Options(int reps, String size, boolean quick, Set<Integer> only) {

		static Options parse(String[] args) {
			int reps = 3;
			String size = "default";
			Set<Integer> only = Set.of(1, 2, 3, 4, 5, 6, 7);
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--quick" -> size = "quick";
					case "--full" -> size = "full";
					case "--reps" -> reps = Integer.parseInt(args[++i]);
					case "--only" -> only = Arrays.stream(args[++i].split(","))
						.map(String::trim)
						.map(Integer::valueOf)
						.collect(Collectors.toSet());
					default -> throw new IllegalArgumentException("Unknown option " + args[i]
							+ "; use --quick, --full, --reps N, --only 1,2,... (8: Redis Cluster)");
				}
			}
			return new Options(reps, size, size.equals("quick"), only);
		}

		boolean wants(int scenario) {
			return this.only.contains(scenario);
		}

		int size(int quick, int normal, int full) {
			return switch (this.size) {
				case "quick" -> quick;
				case "full" -> full;
				default -> normal;
			};
		}

	}

}
