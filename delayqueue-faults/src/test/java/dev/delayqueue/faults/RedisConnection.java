package dev.delayqueue.faults;

import java.util.List;

/**
 * The {@code spring.data.redis.*} properties that point a worker JVM at a Redis deployment: one server, a cluster
 * or a Sentinel-monitored master.
 *
 * @param properties {@code name=value} pairs, without the leading {@code --}
 */
record RedisConnection(List<String> properties) {

	static RedisConnection standalone(int port) {
		return new RedisConnection(List.of("spring.data.redis.port=" + port));
	}

	/**
	 * A cluster, with the Lettuce settings delayqueue's auto-configuration gives it (topology refresh, reconnect
	 * back-off), as an application would have them; writes wait for {@link FaultSupport#WAIT_FOR_REPLICAS}.
	 * @param seedNodes {@code host:port,...}
	 */
	static RedisConnection cluster(String seedNodes) {
		return new RedisConnection(List.of("spring.data.redis.cluster.nodes=" + seedNodes, waitForReplicas()));
	}

	static RedisConnection sentinel(String master, String sentinels) {
		return new RedisConnection(List.of("spring.data.redis.sentinel.master=" + master,
				"spring.data.redis.sentinel.nodes=" + sentinels, waitForReplicas()));
	}

	/** Replicated deployments: outcome writes wait for as many replicas as the scheduling client's writes. */
	private static String waitForReplicas() {
		return "delayqueue.redis.wait-for-replicas=" + FaultSupport.WAIT_FOR_REPLICAS;
	}

}
