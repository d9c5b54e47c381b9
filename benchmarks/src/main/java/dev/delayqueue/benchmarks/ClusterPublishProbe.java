package dev.delayqueue.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import dev.delayqueue.embedded.RedisClusterProcess;
import dev.delayqueue.embedded.RedisClusterProcess.Node;

/**
 * What a wake-up message costs a Redis Cluster: {@code PUBLISH}, which the cluster broadcasts to every node over
 * the cluster bus, against {@code SPUBLISH}, which goes only to the nodes of the channel's shard. Sends n messages
 * of each (the wake-up's text, 64 in flight, no subscribers) to the master that owns the topic's slot and reads
 * each node's CPU time, less what the node used in a quiet window before (cluster cron, bus pings), and the
 * messages each received over the bus, a second after the last reply.
 */
final class ClusterPublishProbe {

	private static final long QUIET_MILLIS = 3_000;

	private static final long SETTLE_MILLIS = 1_000;

	private ClusterPublishProbe() {
	}

	/**
	 * Runs the probe.
	 * @return one result for PUBLISH, one for SPUBLISH
	 */
	static List<Result> run(RedisClusterProcess cluster, String prefix, int n) throws InterruptedException {
		Node master = cluster.masterOf(RedisClusterProcess.slot("{" + DelayQueueSubject.TOPIC + "}"));
		ClusterCounters.reset(cluster);
		ClusterCounters before = ClusterCounters.read(cluster);
		TimeUnit.MILLISECONDS.sleep(QUIET_MILLIS);
		ClusterCounters quiet = ClusterCounters.read(cluster).since(before);
		String message = DelayQueueSubject.TOPIC + " " + System.currentTimeMillis() + " local 0";
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + master.port());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			List<Result> results = new ArrayList<>();
			results.add(measure(cluster, master, quiet, "PUBLISH", n, connection.async(),
					(async, i) -> async.publish(prefix + ":wake", message)));
			results.add(measure(cluster, master, quiet, "SPUBLISH", n, connection.async(),
					(async, i) -> async.spublish(prefix + ":{" + DelayQueueSubject.TOPIC + "}:wake", message)));
			return results;
		}
		finally {
			client.shutdown();
		}
	}

	private static Result measure(RedisClusterProcess cluster, Node master, ClusterCounters quiet, String command,
			int n, RedisAsyncCommands<String, String> async,
			BiFunction<RedisAsyncCommands<String, String>, Integer, RedisFuture<Long>> send)
			throws InterruptedException {
		ClusterCounters.reset(cluster);
		ClusterCounters start = ClusterCounters.read(cluster);
		Semaphore window = new Semaphore(64);
		long sending = System.nanoTime();
		for (int i = 0; i < n; i++) {
			window.acquire();
			send.apply(async, i).whenComplete((receivers, error) -> window.release());
		}
		window.acquire(64);
		double rate = n / Benchmarks.seconds(sending);
		// the bus delivers after the replies: let the last messages arrive
		TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
		ClusterCounters phase = ClusterCounters.read(cluster).since(start);
		double sender = 0;
		double receivers = 0;
		long received = 0;
		for (int i = 0; i < phase.nodes().size(); i++) {
			ClusterCounters.NodeCounters node = phase.nodes().get(i);
			double cpu = node.cpuSeconds() - quiet.nodes().get(i).cpuSeconds() * phase.seconds() / quiet.seconds();
			if (node.port() == master.port()) {
				sender = cpu;
			}
			else {
				receivers += cpu;
				received += node.busPublishReceived();
			}
		}
		return new Result(command, rate, (double) phase.busPublishReceived() / n, 1e6 * sender / n,
				(received > 0) ? 1e6 * receivers / received : Double.NaN);
	}

	/**
	 * What one message cost.
	 * @param command PUBLISH or SPUBLISH
	 * @param rate messages per second the master took
	 * @param busMessagesPerCall cluster-bus messages other nodes received per message
	 * @param senderMicros CPU of the master per message (µs), the command included
	 * @param receiverMicros CPU of another node per message it received over the bus (µs)
	 */
	record Result(String command, double rate, double busMessagesPerCall, double senderMicros,
			double receiverMicros) {

		String markdown() {
			return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", this.command,
					ClusterBenchmark.format(this.rate), ClusterBenchmark.format(this.busMessagesPerCall),
					ClusterBenchmark.format(this.senderMicros), ClusterBenchmark.format(this.receiverMicros));
		}

	}

}
