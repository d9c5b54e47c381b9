package dev.delayqueue.embedded;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RedisSentinelProcessTests {

	@Test
	void sentinelsPromoteTheReplicaWhenTheMasterIsKilled() {
		try (RedisSentinelProcess sentinel = RedisSentinelProcess.builder().masterName("queue-master").start()) {
			assertThat(sentinel.masterName()).isEqualTo("queue-master");
			assertThat(sentinel.sentinels().split(",")).hasSize(3).allMatch((s) -> s.startsWith("127.0.0.1:"));
			RedisServerProcess master = sentinel.master();
			RedisServerProcess replica = sentinel.servers().get(1);
			assertThat(master).isEqualTo(sentinel.servers().get(0));
			assertThatIllegalStateException().isThrownBy(() -> sentinel.waitForFailover(Duration.ofSeconds(1)));
			// on one connection: WAIT counts the replicas that have this connection's writes
			try (RespClient connection = RespClient.connect(master.port())) {
				assertThat(connection.command("SET", "k", "v")).isEqualTo("OK");
				assertThat(connection.command("WAIT", "1", "5000")).isEqualTo(1L);
			}

			assertThat(sentinel.killMaster()).isEqualTo(master);
			RedisServerProcess promoted = sentinel.waitForFailover(Duration.ofSeconds(10));

			assertThat(promoted).isEqualTo(replica);
			assertThat(sentinel.master()).isEqualTo(replica);
			assertThat(((List<?>) RespClient.call(promoted.port(), "ROLE")).get(0)).isEqualTo("master");
			assertThat(RespClient.call(promoted.port(), "GET", "k")).isEqualTo("v");
		}
	}

}
