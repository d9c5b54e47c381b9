package dev.delayqueue.embedded;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.delayqueue.embedded.RedisClusterProcess.Node;
import dev.delayqueue.embedded.RedisClusterProcess.Role;
import dev.delayqueue.embedded.RedisClusterProcess.SlotMigration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * One 3+3 cluster for the whole class; each test finds slot owners afresh, since the migration test moves a slot.
 */
class RedisClusterProcessTests {

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
	void formsThreeMastersWithOneReplicaEach() {
		assertThat(cluster.nodes()).hasSize(6);
		assertThat(cluster.masters()).hasSize(3);
		assertThat(cluster.replicas()).hasSize(3);
		for (Node node : cluster.nodes()) {
			assertThat(node.port()).isLessThanOrEqualTo(55535);
			String info = (String) cluster.command(node, "CLUSTER", "INFO");
			assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:6");
		}
		for (Node replica : cluster.replicas()) {
			List<?> role = (List<?>) cluster.command(replica, "ROLE");
			assertThat(role.get(0)).isEqualTo("slave");
			assertThat(role.get(3)).isEqualTo("connected");
			assertThat(cluster.masters()).extracting(Node::port).contains(((Long) role.get(2)).intValue());
		}
		assertThat(cluster.seedNodes().split(",")).hasSize(6).allMatch((seed) -> seed.startsWith("127.0.0.1:"));
	}

	@Test
	void slotIsWhatRedisComputes() {
		assertThat(RedisClusterProcess.slot("123456789")).isEqualTo(12739);
		Node node = cluster.nodes().get(0);
		List<String> keys = List.of("", "a", "delayqueue:due", "{user1000}.following", "{user1000}.followers",
				"foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}", "{", "}", "{}", "x{y", "ключ{тег}", "emoji😀");
		for (String key : keys) {
			assertThat(RedisClusterProcess.slot(key)).as(key)
				.isEqualTo(((Long) cluster.command(node, "CLUSTER", "KEYSLOT", key)).intValue());
		}
		assertThat(RedisClusterProcess.slot("{user1000}.following"))
			.isEqualTo(RedisClusterProcess.slot("{user1000}.followers"));
	}

	@Test
	void writesGoToTheMasterOfTheirSlotAndOthersRedirect() {
		for (int i = 0; i < 30; i++) {
			String key = "route:" + i;
			int slot = RedisClusterProcess.slot(key);
			Node owner = cluster.masterOf(slot);
			assertThat(cluster.command(owner, "SET", key, "v" + i)).isEqualTo("OK");
			for (Node other : cluster.masters()) {
				if (!other.equals(owner)) {
					assertThatExceptionOfType(RespClient.ErrorReplyException.class)
						.isThrownBy(() -> cluster.command(other, "GET", key))
						.withMessage("MOVED " + slot + " " + owner.hostAndPort());
				}
			}
		}
	}

	@Test
	void migratesASlotKeyByKey() {
		List<String> keys = List.of("{mig}a", "{mig}b", "{mig}c", "{mig}d", "{mig}e");
		int slot = RedisClusterProcess.slot("{mig}");
		Node source = cluster.masterOf(slot);
		Node target = cluster.masters().stream().filter((m) -> !m.equals(source)).findFirst().orElseThrow();
		keys.forEach((key) -> cluster.command(source, "SET", key, "value of " + key));

		SlotMigration migration = cluster.beginMigration(slot, target);
		assertThat(migration.source()).isEqualTo(source);
		assertThat(migration.keys()).containsExactlyInAnyOrderElementsOf(keys);
		assertThat(migration.move("{mig}a")).isTrue();
		assertThat(migration.move("{mig}a")).as("already moved: NOKEY").isFalse();
		assertThat(migration.keys()).containsExactlyInAnyOrder("{mig}b", "{mig}c", "{mig}d", "{mig}e");

		assertThatExceptionOfType(RespClient.ErrorReplyException.class)
			.isThrownBy(() -> cluster.command(source, "GET", "{mig}a"))
			.withMessage("ASK " + slot + " " + target.hostAndPort());
		assertThat(cluster.command(source, "GET", "{mig}b")).isEqualTo("value of {mig}b");
		// Keys split between the nodes: Redis 7 has the source answer TRYAGAIN, 6.2 sends the client on with ASK
		String splitOnSource = (majorVersion(source) >= 7) ? "TRYAGAIN" : "ASK";
		assertThatExceptionOfType(RespClient.ErrorReplyException.class)
			.isThrownBy(() -> cluster.command(source, "MGET", "{mig}a", "{mig}b"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(splitOnSource));
		assertThatExceptionOfType(RespClient.ErrorReplyException.class)
			.isThrownBy(() -> cluster.command(target, "GET", "{mig}a"))
			.withMessage("MOVED " + slot + " " + source.hostAndPort());
		try (RespClient client = cluster.connect(target)) {
			client.command("ASKING");
			assertThat(client.command("GET", "{mig}a")).isEqualTo("value of {mig}a");
			client.command("ASKING");
			assertThatExceptionOfType(RespClient.ErrorReplyException.class)
				.isThrownBy(() -> client.command("MGET", "{mig}a", "{mig}b"))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo("TRYAGAIN"));
		}

		assertThat(migration.move("{mig}c")).isTrue();
		migration.finish();

		assertThat(cluster.masterOf(slot)).isEqualTo(target);
		assertThat(cluster.command(source, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))).isEqualTo(0L);
		for (String key : keys) {
			assertThat(cluster.command(target, "GET", key)).isEqualTo("value of " + key);
		}
		for (Node node : cluster.nodes()) {
			String info = (String) cluster.command(node, "CLUSTER", "INFO");
			assertThat(info).contains("cluster_state:ok");
			if (node.role() == Role.MASTER && !node.equals(target)) {
				assertThatExceptionOfType(RespClient.ErrorReplyException.class)
					.isThrownBy(() -> cluster.command(node, "GET", "{mig}a"))
					.withMessage("MOVED " + slot + " " + target.hostAndPort());
			}
		}
	}

	@Test
	void beginMigrationRejectsTheOwnerAsTarget() {
		int slot = RedisClusterProcess.slot("{own}");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> cluster.beginMigration(slot, cluster.masterOf(slot)));
	}

	@Test
	void flushAllEmptiesEveryMaster() {
		for (int i = 0; i < 10; i++) {
			String key = "flush:" + i;
			cluster.command(cluster.masterOf(RedisClusterProcess.slot(key)), "SET", key, "x");
		}
		cluster.flushAll();
		for (Node master : cluster.masters()) {
			assertThat(cluster.command(master, "DBSIZE")).isEqualTo(0L);
		}
	}

	private static int majorVersion(Node node) {
		String info = (String) cluster.command(node, "INFO", "server");
		String version = info.substring(info.indexOf("redis_version:") + "redis_version:".length());
		return Integer.parseInt(version.substring(0, version.indexOf('.')));
	}

}
