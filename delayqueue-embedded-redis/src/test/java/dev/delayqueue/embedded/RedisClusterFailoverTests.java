package dev.delayqueue.embedded;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.delayqueue.embedded.RedisClusterProcess.Node;
import dev.delayqueue.embedded.RedisClusterProcess.Role;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster of its own: the test kills, restarts and fails back a master.
 */
class RedisClusterFailoverTests {

	private static RedisClusterProcess cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcess.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void killedMasterIsReplacedByItsReplicaThenRejoinsAsReplicaAndFailsBack() {
		String key = "failover:k";
		int slot = RedisClusterProcess.slot(key);
		Node master = cluster.masterOf(slot);
		Node replica = replicaOf(master);
		// WAIT counts the replicas that have this connection's writes: on a connection of its own it would return at
		// once, whether the write reached the replica or not
		try (RespClient connection = cluster.connect(master)) {
			assertThat(connection.command("SET", key, "before")).isEqualTo("OK");
			assertThat(connection.command("WAIT", "1", "5000")).isEqualTo(1L);
		}

		cluster.killNode(master);
		Node promoted = cluster.waitForFailover(master, Duration.ofSeconds(20));
		assertThat(promoted).isEqualTo(replica);
		assertThat(promoted.role()).isEqualTo(Role.MASTER);
		assertThat(cluster.masterOf(slot)).isEqualTo(promoted);
		assertThat(cluster.command(promoted, "GET", key))
			.as(() -> "the key on the promoted " + promoted + " (DBSIZE " + cluster.command(promoted, "DBSIZE")
					+ "), replication: " + cluster.command(promoted, "INFO", "replication") + ", nodes: "
					+ cluster.command(promoted, "CLUSTER", "NODES"))
			.isEqualTo("before");
		assertThat(cluster.masters()).hasSize(3).doesNotContain(master);

		cluster.restartNode(master);
		cluster.waitForClusterOk(Duration.ofSeconds(20));
		assertThat(master.role()).isEqualTo(Role.REPLICA);
		assertThat(replicaOf(promoted)).isEqualTo(master);

		cluster.failback(master);
		assertThat(master.role()).isEqualTo(Role.MASTER);
		assertThat(promoted.role()).isEqualTo(Role.REPLICA);
		assertThat(cluster.masterOf(slot)).isEqualTo(master);
		assertThat(cluster.command(master, "GET", key)).isEqualTo("before");
	}

	private static Node replicaOf(Node master) {
		return cluster.replicas().stream().filter((replica) -> {
			List<?> role = (List<?>) cluster.command(replica, "ROLE");
			return ((Long) role.get(2)).intValue() == master.port();
		}).findFirst().orElseThrow();
	}

}
