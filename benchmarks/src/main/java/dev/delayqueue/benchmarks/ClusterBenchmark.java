package dev.delayqueue.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;

import dev.delayqueue.benchmarks.Subject.Job;
import dev.delayqueue.embedded.RedisClusterProcess;
import dev.delayqueue.embedded.RedisClusterProcess.Node;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * 8. One hot topic on a Redis Cluster of 3 masters with a replica each (no persistence), its jobs spread over 1, 3
 * and 8 partitions in the same run: scheduling and delivery throughput, each master's share of the script calls,
 * where the CPU goes, and what idle partitions cost. Each repetition runs every partition count in turn (the order
 * reversed every other repetition); every figure is the median of the repetitions.
 * <p>
 * A pass for one partition count: schedule one job at a time from 8 threads (due in an hour); schedule batches of
 * 100 from 1 thread, then from 8 threads (the latter due now); start one worker (8 handler threads, prefetch 200,
 * a no-op handler) and time how long it takes to deliver those jobs; cancel some of them, now gone (a miss reads
 * the partition record again); then, with the topic empty, start 3 more instances (each its own connection factory,
 * store and worker) and count what the 4 idle workers send for a few seconds. Before each phase the command counters
 * of every node are reset ({@code CONFIG RESETSTAT}).
 * <p>
 * Beside the passes: 4 idle instances on 1 and on 256 partitions (what an idle claim costs, from the difference),
 * how a topic's partitions fall on 3, 10 and 100 masters (computed from the slots), and what one wake-up message
 * costs the cluster ({@link ClusterPublishProbe}).
 */
final class ClusterBenchmark {

	private static final List<Integer> PARTITION_COUNTS = List.of(1, 3, 8);

	private static final int THREADS = 8;

	private static final int IDLE_WORKERS = 4;

	private static final long IDLE_MILLIS = 5_000;

	/** Time for new instances to make their first claims, subscribe and discover, before an idle window. */
	private static final long SETTLE_MILLIS = 1_500;

	/** Partition counts of the idle-only passes: none and many idle partitions. */
	private static final List<Integer> IDLE_PARTITION_COUNTS = List.of(1, 256);

	/** Cancels of jobs already delivered (ids no longer found): what a miss costs. */
	private static final int CANCELS = 2_000;

	private static final String BODY = "{\"orderId\":\"o-12345\",\"amount\":1299}";

	private final RedisClusterProcess cluster;

	private final Supplier<String> prefixes;

	/** Jobs each of the 8 threads schedules one at a time. */
	private final int perThread;

	/** Jobs scheduled in batches of 100, then delivered. */
	private final int batched;

	/** Passes by partition count, in the order they ran. */
	private final Map<Integer, List<Pass>> passes = new TreeMap<>();

	/** Idle-only passes by partition count. */
	private final Map<Integer, List<IdleCost>> idle = new TreeMap<>();

	private ClusterBenchmark(RedisClusterProcess cluster, Supplier<String> prefixes, int perThread, int batched) {
		this.cluster = cluster;
		this.prefixes = prefixes;
		this.perThread = perThread;
		this.batched = batched;
	}

	/**
	 * Starts a cluster, runs the scenario and stops the cluster.
	 * @return the table, in Markdown
	 */
	static String run(int perThread, int batched, int reps, Supplier<String> prefixes) throws Exception {
		System.out.println("8. starting a Redis Cluster of 3 masters and 3 replicas");
		try (RedisClusterProcess cluster = RedisClusterProcess.builder()
			.masters(3)
			.replicasPerMaster(1)
			.appendOnly(false)
			.start()) {
			ClusterBenchmark benchmark = new ClusterBenchmark(cluster, prefixes, perThread, batched);
			benchmark.warmUp();
			for (int rep = 0; rep < reps; rep++) {
				List<Integer> order = new ArrayList<>(PARTITION_COUNTS);
				if (rep % 2 == 1) {
					Collections.reverse(order);
				}
				for (int partitions : order) {
					Pass pass = benchmark.pass(partitions, perThread, batched);
					System.out.printf(Locale.ROOT, "  %d partition(s), rep %d: %s%n", partitions, rep + 1, pass);
					benchmark.passes.computeIfAbsent(partitions, (p) -> new ArrayList<>()).add(pass);
				}
				for (int partitions : IDLE_PARTITION_COUNTS) {
					IdleCost cost = benchmark.idleOnly(partitions);
					System.out.printf(Locale.ROOT, "  idle, %d partition(s), rep %d: %s%n", partitions, rep + 1, cost);
					benchmark.idle.computeIfAbsent(partitions, (p) -> new ArrayList<>()).add(cost);
				}
			}
			StringBuilder table = new StringBuilder(benchmark.table());
			table.append('\n').append(benchmark.idleTable());
			table.append('\n').append(spreadTable());
			table.append("\n| 8. one wake-up message, 3 masters + 3 replicas, no subscribers | messages/s "
					+ "| cluster-bus messages received per message | CPU of the sending master per message (µs) "
					+ "| CPU of a receiving node per bus message (µs) |\n|---|---|---|---|---|\n");
			for (ClusterPublishProbe.Result result : ClusterPublishProbe.run(cluster, prefixes.get(), batched)) {
				table.append(result.markdown()).append('\n');
			}
			return table.toString();
		}
	}

	/** One unmeasured pass with smaller sizes, so that no figure includes JIT warm-up on the cluster's paths. */
	private void warmUp() throws Exception {
		pass(3, Math.max(100, this.perThread / 5), Math.max(1_000, this.batched / 5));
	}

	private LettuceConnectionFactory connectionFactory() {
		ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(Duration.ofSeconds(10))
			.enableAllAdaptiveRefreshTriggers()
			.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(refresh).build())
			.build();
		return new LettuceConnectionFactory(
				new RedisClusterConfiguration(List.of(this.cluster.seedNodes().split(","))), client);
	}

	private Pass pass(int partitions, int perThread, int batched) throws Exception {
		String prefix = this.prefixes.get();
		this.cluster.flushAll();
		try (DelayQueueSubject subject = new DelayQueueSubject(connectionFactory(), prefix, 200, partitions)) {
			long later = System.currentTimeMillis() + 3_600_000;
			Phase one = measure(perThread * THREADS, () -> inThreads(THREADS, (thread) -> {
				for (int i = thread; i < perThread * THREADS; i += THREADS) {
					subject.scheduleOne(new Job("c" + i, later, BODY));
				}
			}));
			this.cluster.flushAll();
			Phase batches = measure(batched, () -> scheduleInBatches(subject, 1, batched, later));
			this.cluster.flushAll();
			long now = System.currentTimeMillis();
			Phase batches8 = measure(batched, () -> scheduleInBatches(subject, THREADS, batched, now));
			AtomicLong delivered = new AtomicLong();
			Phase delivery = measure(batched, () -> {
				subject.startConsumers(THREADS, (id, dueAt) -> delivered.incrementAndGet());
				long deadline = System.currentTimeMillis() + 600_000;
				while (delivered.get() < batched && System.currentTimeMillis() < deadline) {
					TimeUnit.MILLISECONDS.sleep(2);
				}
			});
			if (delivered.get() < batched) {
				System.out.printf("  only %d of %d delivered%n", delivered.get(), batched);
			}
			int misses = Math.min(batched, CANCELS);
			Phase cancels = measure(misses, () -> inThreads(THREADS, (thread) -> {
				for (int i = thread; i < misses; i += THREADS) {
					subject.queue.cancel(DelayQueueSubject.TOPIC, "b" + i);
				}
			}));
			List<DelayQueueSubject> others = new ArrayList<>();
			try {
				for (int w = 1; w < IDLE_WORKERS; w++) {
					DelayQueueSubject other = new DelayQueueSubject(connectionFactory(), prefix, 16, partitions);
					others.add(other);
					other.startConsumers(1, (id, dueAt) -> {
					});
				}
				TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
				Phase idle = measure(0, () -> TimeUnit.MILLISECONDS.sleep(IDLE_MILLIS));
				return new Pass(partitions, layout(partitions), one, batches, batches8, delivery, cancels, idle);
			}
			finally {
				others.forEach(DelayQueueSubject::close);
			}
		}
	}

	/** Instances serving the topic while it has no jobs: what their claims cost, and the store threads they keep. */
	private IdleCost idleOnly(int partitions) throws Exception {
		String prefix = this.prefixes.get();
		this.cluster.flushAll();
		List<DelayQueueSubject> instances = new ArrayList<>();
		try {
			for (int w = 0; w < IDLE_WORKERS; w++) {
				DelayQueueSubject instance = new DelayQueueSubject(connectionFactory(), prefix, 16, partitions);
				instances.add(instance);
				instance.startConsumers(1, (id, dueAt) -> {
				});
			}
			TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
			Phase phase = measure(0, () -> TimeUnit.MILLISECONDS.sleep(IDLE_MILLIS));
			long storeThreads = Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread.getName().startsWith("delayqueue-store-"))
				.count();
			return new IdleCost(partitions, phase, storeThreads);
		}
		finally {
			instances.forEach(DelayQueueSubject::close);
		}
	}

	private static void scheduleInBatches(Subject subject, int threads, int n, long due) throws InterruptedException {
		inThreads(threads, (thread) -> {
			List<Job> batch = new ArrayList<>(100);
			for (int i = thread; i < n; i += threads) {
				batch.add(new Job("b" + i, due, BODY));
				if (batch.size() == 100) {
					subject.scheduleBatch(batch);
					batch.clear();
				}
			}
			if (!batch.isEmpty()) {
				subject.scheduleBatch(batch);
			}
		});
	}

	/** Runs body on count new threads (given 0 to count - 1) and returns when all have ended. */
	private static void inThreads(int count, ThreadBody body) throws InterruptedException {
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < count; t++) {
			int index = t;
			Thread thread = new Thread(() -> body.run(index));
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
	}

	/** Runs a phase of jobs (0 for none), after zeroing the command counters of every node. */
	private Phase measure(int jobs, Action action) throws Exception {
		ClusterCounters.reset(this.cluster);
		ClusterCounters start = ClusterCounters.read(this.cluster);
		action.run();
		return new Phase(ClusterCounters.read(this.cluster).since(start), jobs);
	}

	/** How many of the topic's partitions each master holds, in formation order. */
	private int[] layout(int partitions) {
		List<Node> masters = this.cluster.masters();
		int[] counts = new int[masters.size()];
		for (int p = 0; p < partitions; p++) {
			String tag = (p == 0) ? DelayQueueSubject.TOPIC : DelayQueueSubject.TOPIC + "#" + p;
			Node master = this.cluster.masterOf(RedisClusterProcess.slot("{" + tag + "}"));
			counts[masters.indexOf(master)]++;
		}
		return counts;
	}

	private String table() {
		List<Integer> counts = new ArrayList<>(this.passes.keySet());
		StringBuilder out = new StringBuilder();
		out.append("| 8. one hot topic, 3-master cluster |");
		counts.forEach((p) -> out.append(' ').append(p).append((p == 1) ? " partition |" : " partitions |"));
		out.append("\n|---|").append("---|".repeat(counts.size())).append('\n');
		Function<String, String> jobs = (text) -> String.format(Locale.ROOT, text, this.batched);
		Row row = (label, cell) -> {
			out.append("| ").append(label).append(" |");
			counts.forEach((p) -> out.append(' ').append(cell.apply(this.passes.get(p))).append(" |"));
			out.append('\n');
		};
		row.add("partitions on each master", (passes) -> joined(passes.get(0).layout()));
		row.add(String.format(Locale.ROOT, "schedule %,d one at a time from 8 threads (jobs/s)",
				this.perThread * THREADS), medians((pass) -> pass.one().jobsPerSecond()));
		row.add(jobs.apply("schedule %,d in batches of 100 from 1 thread (jobs/s)"),
				medians((pass) -> pass.batches().jobsPerSecond()));
		row.add(jobs.apply("schedule %,d in batches of 100 from 8 threads (jobs/s)"),
				medians((pass) -> pass.batches8().jobsPerSecond()));
		row.add(jobs.apply("deliver %,d due jobs, 1 worker, no-op handler (jobs/s)"),
				medians((pass) -> pass.delivery().jobsPerSecond()));
		row.add("masters' shares of script calls: one at a time", shares(Pass::one));
		row.add("masters' shares of script calls: batches from 8 threads", shares(Pass::batches8));
		row.add("masters' shares of script calls: delivery", shares(Pass::delivery));
		row.add("script calls per 100 jobs: one at a time / batches / delivery",
				medians((pass) -> pass.one().scriptCallsPer(100), (pass) -> pass.batches8().scriptCallsPer(100),
						(pass) -> pass.delivery().scriptCallsPer(100)));
		row.add("masters' CPU per job (µs): one at a time / batches / delivery",
				medians((pass) -> pass.one().masterMicrosPerJob(), (pass) -> pass.batches8().masterMicrosPerJob(),
						(pass) -> pass.delivery().masterMicrosPerJob()));
		row.add("masters' CPU per script call (µs): one at a time / batches / delivery",
				medians((pass) -> pass.one().masterMicrosPerCall(), (pass) -> pass.batches8().masterMicrosPerCall(),
						(pass) -> pass.delivery().masterMicrosPerCall()));
		row.add("CPU during delivery (cores): masters / replicas / this JVM",
				medians((pass) -> pass.delivery().cores(ClusterCounters::masterCpu),
						(pass) -> pass.delivery().cores(ClusterCounters::replicaCpu),
						(pass) -> pass.delivery().cores(ClusterCounters::jvmCpu)));
		row.add("busiest master during delivery: script calls/s, CPU (cores)",
				medians((pass) -> pass.delivery().busiestMasterCallsPerSecond(),
						(pass) -> pass.delivery().busiestMasterCores()));
		row.add("connections opened per 1,000 jobs: one at a time / batches / delivery",
				medians((pass) -> pass.one().per(1_000, ClusterCounters::connections),
						(pass) -> pass.batches8().per(1_000, ClusterCounters::connections),
						(pass) -> pass.delivery().per(1_000, ClusterCounters::connections)));
		row.add("EXISTS per 1,000 jobs: one at a time / batches",
				medians((pass) -> pass.one().per(1_000, (counters) -> counters.calls("exists")),
						(pass) -> pass.batches8().per(1_000, (counters) -> counters.calls("exists"))));
		row.add("wake-ups per 1,000 jobs, SPUBLISH: one at a time / batches / delivery",
				medians((pass) -> pass.one().per(1_000, (counters) -> counters.calls("spublish")),
						(pass) -> pass.batches8().per(1_000, (counters) -> counters.calls("spublish")),
						(pass) -> pass.delivery().per(1_000, (counters) -> counters.calls("spublish"))));
		row.add("wake-ups per 1,000 jobs, classic PUBLISH: one at a time / batches / delivery",
				medians((pass) -> pass.one().per(1_000, (counters) -> counters.calls("publish")),
						(pass) -> pass.batches8().per(1_000, (counters) -> counters.calls("publish")),
						(pass) -> pass.delivery().per(1_000, (counters) -> counters.calls("publish"))));
		row.add("cluster-bus messages received per 1,000 jobs: one at a time / batches / delivery",
				medians((pass) -> pass.one().per(1_000, ClusterCounters::busPublishReceived),
						(pass) -> pass.batches8().per(1_000, ClusterCounters::busPublishReceived),
						(pass) -> pass.delivery().per(1_000, ClusterCounters::busPublishReceived)));
		row.add(String.format(Locale.ROOT, "cancel %,d delivered jobs from 8 threads (calls/s)", CANCELS),
				medians((pass) -> pass.cancels().jobsPerSecond()));
		row.add("per cancel of a delivered job: script calls, HGETALL of the partition record",
				medians((pass) -> pass.cancels().per(1, ClusterCounters::scriptCalls),
						(pass) -> pass.cancels().per(1, (counters) -> counters.calls("hgetall"))));
		row.add("idle, 4 workers: claim calls per partition per worker per second",
				medians((pass) -> pass.idle().scriptCallsPerSecond() / (pass.partitions() * IDLE_WORKERS)));
		row.add("idle, 4 workers: script calls/s on each master",
				(passes) -> joined(medianArray(passes, (pass) -> pass.idle().perMasterCallsPerSecond())));
		row.add("idle, 4 workers: commands outside scripts per second, all nodes",
				(passes) -> passes.get(0).idle().clientCallsPerSecond());
		return out.toString();
	}

	private String idleTable() {
		List<Integer> counts = new ArrayList<>(this.idle.keySet());
		StringBuilder out = new StringBuilder();
		out.append("| 8. idle: 4 instances serving the topic, no jobs, poll interval 1 s |");
		counts.forEach((p) -> out.append(' ').append(p).append((p == 1) ? " partition |" : " partitions |"));
		out.append("\n|---|").append("---|".repeat(counts.size())).append('\n');
		IdleRow row = (label, figure) -> {
			out.append("| ").append(label).append(" |");
			counts.forEach((p) -> out.append(' ')
				.append(format(Stats.median(this.idle.get(p).stream().map(figure).toList())))
				.append(" |"));
			out.append('\n');
		};
		row.add("claim calls per partition per worker per second",
				(cost) -> cost.phase().scriptCallsPerSecond() / (cost.partitions() * IDLE_WORKERS));
		row.add("script calls/s, all masters", (cost) -> cost.phase().scriptCallsPerSecond());
		row.add("masters' CPU (ms per s)", (cost) -> 1_000 * cost.phase().cores(ClusterCounters::masterCpu));
		row.add("this JVM's CPU, 4 instances (ms per s)", (cost) -> 1_000 * cost.phase().cores(ClusterCounters::jvmCpu));
		row.add("store threads alive, 4 instances", (cost) -> (double) cost.storeThreads());
		if (counts.size() == 2) {
			List<IdleCost> few = this.idle.get(counts.get(0));
			List<IdleCost> many = this.idle.get(counts.get(1));
			List<Double> jvm = new ArrayList<>();
			List<Double> masters = new ArrayList<>();
			for (int i = 0; i < Math.min(few.size(), many.size()); i++) {
				Phase a = few.get(i).phase();
				Phase b = many.get(i).phase();
				double claims = b.scriptCallsPerSecond() - a.scriptCallsPerSecond();
				jvm.add(1e6 * (b.cores(ClusterCounters::jvmCpu) - a.cores(ClusterCounters::jvmCpu)) / claims);
				masters.add(1e6 * (b.cores(ClusterCounters::masterCpu) - a.cores(ClusterCounters::masterCpu)) / claims);
			}
			out.append(String.format(Locale.ROOT,
					"| CPU per additional idle claim (µs): this JVM, masters | %s, %s | (difference of the columns) |%n",
					format(Stats.median(jvm)), format(Stats.median(masters))));
		}
		return out.toString();
	}

	/**
	 * How evenly a topic's partitions fall on the masters of larger clusters, computed from the hash tags' slots with
	 * the slots split evenly between the masters (as this harness and {@code redis-cli --cluster create} do).
	 */
	private static String spreadTable() {
		StringBuilder out = new StringBuilder("| 8. partitions of topic '" + DelayQueueSubject.TOPIC
				+ "' over masters, slots split evenly | masters | mean per master | busiest master holds "
				+ "| masters with none |\n|---|---|---|---|---|\n");
		for (int masters : List.of(3, 10, 100)) {
			for (int partitions : List.of(3, 8, 32, 100, 256, 1024)) {
				if (partitions < masters / 4) {
					continue;
				}
				int[] counts = new int[masters];
				for (int p = 0; p < partitions; p++) {
					String tag = (p == 0) ? DelayQueueSubject.TOPIC : DelayQueueSubject.TOPIC + "#" + p;
					int slot = RedisClusterProcess.slot("{" + tag + "}");
					int master = (int) ((long) slot * masters / RedisClusterProcess.SLOTS);
					while (master + 1 < masters && (master + 1) * RedisClusterProcess.SLOTS / masters <= slot) {
						master++;
					}
					counts[master]++;
				}
				out.append(String.format(Locale.ROOT, "| %d partitions | %d | %s | %d | %d |%n", partitions, masters,
						format((double) partitions / masters), Arrays.stream(counts).max().orElse(0),
						Arrays.stream(counts).filter((c) -> c == 0).count()));
			}
		}
		return out.toString();
	}

	/** The medians of figures of the passes, joined with " / ". */
	@SafeVarargs
	private static Function<List<Pass>, String> medians(Function<Pass, Double>... figures) {
		return (passes) -> Arrays.stream(figures)
			.map((figure) -> format(Stats.median(passes.stream().map(figure).toList())))
			.collect(Collectors.joining(" / "));
	}

	private static Function<List<Pass>, String> shares(Function<Pass, Phase> phase) {
		return (passes) -> percents(medianArray(passes, (pass) -> phase.apply(pass).counters().scriptShares()));
	}

	private static double[] medianArray(List<Pass> passes, Function<Pass, double[]> figures) {
		int n = figures.apply(passes.get(0)).length;
		double[] medians = new double[n];
		for (int i = 0; i < n; i++) {
			int index = i;
			medians[i] = Stats.median(passes.stream().map((pass) -> figures.apply(pass)[index]).toList());
		}
		return medians;
	}

	static String format(double value) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return "-";
		}
		if (Math.abs(value) >= 100) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		return String.format(Locale.ROOT, (Math.abs(value) >= 10) ? "%.1f" : "%.2f", value);
	}

	private static String percents(double[] shares) {
		return Arrays.stream(shares)
			.mapToObj((share) -> String.format(Locale.ROOT, "%.0f", 100 * share))
			.collect(Collectors.joining(" / ")) + " %";
	}

	private static String joined(int[] values) {
		return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(" / "));
	}

	private static String joined(double[] values) {
		return Arrays.stream(values).mapToObj(ClusterBenchmark::format).collect(Collectors.joining(" / "));
	}

	interface Action {

		void run() throws Exception;

	}

	interface ThreadBody {

		void run(int thread);

	}

	/** Adds a row of the main table: a label and a cell per partition count. */
	interface Row {

		void add(String label, Function<List<Pass>, String> cell);

	}

	/** Adds a row of the idle table: a label and a figure whose median goes in each cell. */
	interface IdleRow {

		void add(String label, Function<IdleCost, Double> figure);

	}

	/**
	 * What the cluster and this JVM did during one phase.
	 * @param counters the counters' differences over the phase
	 * @param jobs the jobs scheduled or delivered in it, 0 for none
	 */
	record Phase(ClusterCounters counters, int jobs) {

		double jobsPerSecond() {
			return this.jobs / this.counters.seconds();
		}

		double scriptCallsPerSecond() {
			return this.counters.scriptCalls() / this.counters.seconds();
		}

		double scriptCallsPer(int jobs) {
			return (double) jobs * this.counters.scriptCalls() / this.jobs;
		}

		/** A counter per {@code jobs} jobs. */
		double per(int jobs, Function<ClusterCounters, Long> counter) {
			return (double) jobs * counter.apply(this.counters) / this.jobs;
		}

		/** Cores used on average: CPU seconds per second. */
		double cores(Function<ClusterCounters, Double> cpuSeconds) {
			return cpuSeconds.apply(this.counters) / this.counters.seconds();
		}

		double masterMicrosPerJob() {
			return 1e6 * this.counters.masterCpu() / this.jobs;
		}

		double masterMicrosPerCall() {
			return 1e6 * this.counters.masterCpu() / this.counters.scriptCalls();
		}

		double[] perMasterCallsPerSecond() {
			return this.counters.masters()
				.stream()
				.mapToDouble((node) -> node.scriptCalls() / this.counters.seconds())
				.toArray();
		}

		double busiestMasterCallsPerSecond() {
			return Arrays.stream(perMasterCallsPerSecond()).max().orElse(0);
		}

		double busiestMasterCores() {
			return this.counters.masters()
				.stream()
				.mapToDouble((node) -> node.cpuSeconds() / this.counters.seconds())
				.max()
				.orElse(0);
		}

		/** Commands the application sent outside scripts, per second. */
		String clientCallsPerSecond() {
			return this.counters.clientCalls()
				.entrySet()
				.stream()
				.map((e) -> e.getKey().replace('|', ' ') + " " + format(e.getValue() / this.counters.seconds()))
				.collect(Collectors.joining(", "));
		}

		/** Commands the application sent outside scripts, per 1,000 jobs. */
		String clientCallsPerThousandJobs() {
			return this.counters.clientCalls()
				.entrySet()
				.stream()
				.map((e) -> e.getKey().replace('|', ' ') + " " + format(1_000.0 * e.getValue() / this.jobs))
				.collect(Collectors.joining(", "));
		}

	}

	/** Idle instances, one partition count, one repetition. */
	record IdleCost(int partitions, Phase phase, long storeThreads) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"claims/s %s, Redis µs per claim %s, masters CPU %s ms/s, JVM CPU %s ms/s, store threads %d,"
							+ " commands outside scripts/s [%s]",
					format(this.phase.scriptCallsPerSecond()),
					format((double) this.phase.counters().scriptMicros() / this.phase.counters().scriptCalls()),
					format(1_000 * this.phase.cores(ClusterCounters::masterCpu)),
					format(1_000 * this.phase.cores(ClusterCounters::jvmCpu)), this.storeThreads,
					this.phase.clientCallsPerSecond());
		}

	}

	/** One partition count, one repetition. */
	record Pass(int partitions, int[] layout, Phase one, Phase batches, Phase batches8, Phase delivery, Phase cancels,
			Phase idle) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"one at a time %s/s, batches %s/s, batches x8 %s/s, delivery %s/s, delivery shares %s,"
							+ " idle claims/s %s; commands outside scripts per 1,000 jobs: one at a time [%s],"
							+ " batches [%s], batches x8 [%s], delivery [%s], cancels [%s]; PUBLISH and bus messages"
							+ " received per phase: %s (SPUBLISH+PUBLISH/bus)",
					format(this.one.jobsPerSecond()), format(this.batches.jobsPerSecond()),
					format(this.batches8.jobsPerSecond()), format(this.delivery.jobsPerSecond()),
					percents(this.delivery.counters().scriptShares()), format(this.idle.scriptCallsPerSecond()),
					this.one.clientCallsPerThousandJobs(), this.batches.clientCallsPerThousandJobs(),
					this.batches8.clientCallsPerThousandJobs(), this.delivery.clientCallsPerThousandJobs(),
					this.cancels.clientCallsPerThousandJobs(),
					List.of(this.one, this.batches, this.batches8, this.delivery, this.cancels, this.idle)
						.stream()
						.map((phase) -> phase.counters().calls("spublish") + "+" + phase.counters().calls("publish") + "/"
								+ phase.counters().busPublishReceived())
						.collect(Collectors.joining(" ")));
		}

	}

}
