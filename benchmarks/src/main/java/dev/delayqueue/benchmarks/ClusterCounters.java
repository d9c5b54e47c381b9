package dev.delayqueue.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import com.sun.management.OperatingSystemMXBean;

import dev.delayqueue.embedded.RedisClusterProcess;
import dev.delayqueue.embedded.RedisClusterProcess.Node;
import dev.delayqueue.embedded.RedisClusterProcess.Role;

/**
 * What the nodes of a Redis Cluster and this JVM did between two readings: per node, the calls of every command
 * ({@code INFO commandstats}) and the time Redis spent in scripts, CPU seconds ({@code INFO cpu}) and the PUBLISH
 * messages it received over the cluster bus ({@code CLUSTER INFO}); this JVM's CPU time; the wall time.
 * {@link #reset} zeroes the command counters ({@code CONFIG RESETSTAT}); {@link #since} takes differences, so a
 * counter that is not reset works too.
 */
record ClusterCounters(List<NodeCounters> nodes, long jvmCpuNanos, long nanos) {

	/** Commands delayqueue's scripts call (Redis counts them in commandstats beside the EVALSHA that ran them). */
	private static final Set<String> CALLED_BY_SCRIPTS = Set.of("del", "hdel", "hexists", "hget", "hincrby", "hset",
			"zadd", "zrange", "zrangebyscore", "zrem", "zscore", "publish", "spublish");

	/**
	 * Commands of this harness and of replication (replicas apply a script's writes as MULTI ... EXEC), not of the
	 * application.
	 */
	private static final Set<String> HARNESS = Set.of("config", "info", "cluster|info", "role", "replconf",
			"flushall", "ping", "multi", "exec");

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	/** Zeroes the command counters of every node. */
	static void reset(RedisClusterProcess cluster) {
		for (Node node : cluster.nodes()) {
			cluster.command(node, "CONFIG", "RESETSTAT");
		}
	}

	/** Reads the counters of every node, in {@link RedisClusterProcess#nodes()} order, and of this JVM. */
	static ClusterCounters read(RedisClusterProcess cluster) {
		List<NodeCounters> nodes = new ArrayList<>();
		for (Node node : cluster.nodes()) {
			nodes.add(NodeCounters.read(cluster, node));
		}
		return new ClusterCounters(nodes, OS.getProcessCpuTime(), System.nanoTime());
	}

	/** The difference from an earlier reading. */
	ClusterCounters since(ClusterCounters start) {
		List<NodeCounters> nodes = new ArrayList<>();
		for (int i = 0; i < this.nodes.size(); i++) {
			nodes.add(this.nodes.get(i).since(start.nodes.get(i)));
		}
		return new ClusterCounters(nodes, this.jvmCpuNanos - start.jvmCpuNanos, this.nanos - start.nanos);
	}

	double seconds() {
		return this.nanos / 1e9;
	}

	List<NodeCounters> masters() {
		return this.nodes.stream().filter(NodeCounters::master).toList();
	}

	/** Script calls ({@code EVALSHA} and {@code EVAL}) on all masters. */
	long scriptCalls() {
		return masters().stream().mapToLong(NodeCounters::scriptCalls).sum();
	}

	/** Microseconds Redis spent in scripts, on all masters. */
	long scriptMicros() {
		return masters().stream().mapToLong(NodeCounters::scriptMicros).sum();
	}

	/** Each master's share of the script calls, in formation order. */
	double[] scriptShares() {
		List<NodeCounters> masters = masters();
		double total = Math.max(1, scriptCalls());
		return masters.stream().mapToDouble((node) -> node.scriptCalls() / total).toArray();
	}

	/** Calls of one command on all nodes. */
	long calls(String command) {
		return this.nodes.stream().mapToLong((node) -> node.calls().getOrDefault(command, 0L)).sum();
	}

	/**
	 * Calls the application sent outside scripts (discovery, probes, the client's topology refresh), summed over
	 * the nodes, by command; without the commands scripts call and those of this harness and of replication.
	 */
	Map<String, Long> clientCalls() {
		Map<String, Long> calls = new TreeMap<>();
		for (NodeCounters node : this.nodes) {
			node.calls().forEach((command, n) -> {
				if (!NodeCounters.isScript(command) && !CALLED_BY_SCRIPTS.contains(command)
						&& !HARNESS.contains(command) && n > 0) {
					calls.merge(command, n, Long::sum);
				}
			});
		}
		return calls;
	}

	/** CPU seconds of the masters, of the replicas, and of this JVM. */
	double masterCpu() {
		return masters().stream().mapToDouble(NodeCounters::cpuSeconds).sum();
	}

	double replicaCpu() {
		return this.nodes.stream().filter((node) -> !node.master()).mapToDouble(NodeCounters::cpuSeconds).sum();
	}

	double jvmCpu() {
		return this.jvmCpuNanos / 1e9;
	}

	/** Connections the nodes accepted, summed over the nodes. */
	long connections() {
		return this.nodes.stream().mapToLong(NodeCounters::connections).sum();
	}

	/** PUBLISH and SPUBLISH messages received over the cluster bus, summed over the nodes. */
	long busPublishReceived() {
		return this.nodes.stream().mapToLong(NodeCounters::busPublishReceived).sum();
	}

	/**
	 * One node's counters.
	 * @param port the node's port
	 * @param master whether it was a master
	 * @param calls calls by command name ({@code evalsha}, {@code publish}, ...)
	 * @param scriptMicros microseconds spent in {@code EVALSHA} and {@code EVAL}
	 * @param cpuSeconds {@code used_cpu_user} + {@code used_cpu_sys}
	 * @param connections {@code total_connections_received}
	 * @param busPublishReceived {@code cluster_stats_messages_publish_received} and {@code ..._publishshard_received}
	 */
	record NodeCounters(int port, boolean master, Map<String, Long> calls, long scriptMicros, double cpuSeconds,
			long connections, long busPublishReceived) {

		static boolean isScript(String command) {
			return command.equals("evalsha") || command.equals("eval");
		}

		static NodeCounters read(RedisClusterProcess cluster, Node node) {
			Map<String, Long> calls = new HashMap<>();
			long scriptMicros = 0;
			for (String line : info(cluster, node, "INFO", "commandstats")) {
				if (!line.startsWith("cmdstat_")) {
					continue;
				}
				String command = line.substring("cmdstat_".length(), line.indexOf(':'));
				Map<String, String> fields = fields(line.substring(line.indexOf(':') + 1));
				calls.put(command, Long.parseLong(fields.get("calls")));
				if (isScript(command)) {
					scriptMicros += Long.parseLong(fields.get("usec"));
				}
			}
			double cpu = 0;
			for (String line : info(cluster, node, "INFO", "cpu")) {
				if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
					cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1));
				}
			}
			long connections = 0;
			for (String line : info(cluster, node, "INFO", "stats")) {
				if (line.startsWith("total_connections_received:")) {
					connections = Long.parseLong(line.substring(line.indexOf(':') + 1));
				}
			}
			long busPublish = 0;
			for (String line : info(cluster, node, "CLUSTER", "INFO")) {
				if (line.startsWith("cluster_stats_messages_publish_received:")
						|| line.startsWith("cluster_stats_messages_publishshard_received:")) {
					busPublish += Long.parseLong(line.substring(line.indexOf(':') + 1));
				}
			}
			return new NodeCounters(node.port(), node.role() == Role.MASTER, calls, scriptMicros, cpu, connections,
					busPublish);
		}

		long scriptCalls() {
			return this.calls.getOrDefault("evalsha", 0L) + this.calls.getOrDefault("eval", 0L);
		}

		NodeCounters since(NodeCounters start) {
			Map<String, Long> calls = new HashMap<>(this.calls);
			start.calls.forEach((command, n) -> calls.merge(command, -n, Long::sum));
			return new NodeCounters(this.port, this.master, calls, this.scriptMicros - start.scriptMicros,
					this.cpuSeconds - start.cpuSeconds, this.connections - start.connections,
					this.busPublishReceived - start.busPublishReceived);
		}

		private static List<String> info(RedisClusterProcess cluster, Node node, String... command) {
			return Objects.requireNonNull(cluster.command(node, command)).toString().lines().map(String::trim).toList();
		}

		private static Map<String, String> fields(String text) {
			Map<String, String> fields = new HashMap<>();
			for (String pair : text.split(",")) {
				int eq = pair.indexOf('=');
				fields.put(pair.substring(0, eq), pair.substring(eq + 1));
			}
			return fields;
		}

	}

}
