package dev.delayqueue.embedded;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RespClientTests {

	private static RedisServerProcess server;

	@BeforeAll
	static void startServer() {
		server = RedisServerProcess.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void mapsEachReplyType() {
		try (RespClient client = RespClient.connect(server.port())) {
			assertThat(client.command("SET", "resp:k", "välue 1\r\n")).isEqualTo("OK");
			assertThat(client.command("GET", "resp:k")).isEqualTo("välue 1\r\n");
			assertThat(client.command("GET", "resp:missing")).isNull();
			assertThat(client.command("INCRBY", "resp:n", "41")).isEqualTo(41L);
			assertThat(client.command("RPUSH", "resp:l", "a", "", "c")).isEqualTo(3L);
			assertThat(client.command("LRANGE", "resp:l", "0", "-1")).isEqualTo(List.of("a", "", "c"));
			assertThat(client.command("BLPOP", "resp:none", "0.01")).isNull();
		}
	}

	@Test
	void throwsErrorRepliesWithTheirMessage() {
		try (RespClient client = RespClient.connect(server.port())) {
			client.command("SET", "resp:s", "x");
			assertThatExceptionOfType(RespClient.ErrorReplyException.class)
				.isThrownBy(() -> client.command("INCR", "resp:s"))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo("ERR"))
				.withMessageContaining("not an integer");
			assertThat(client.command("PING")).as("connection still usable").isEqualTo("PONG");
		}
	}

	@Test
	void returnsErrorsNestedInAnArrayAsElements() {
		try (RespClient client = RespClient.connect(server.port())) {
			client.command("SET", "resp:t", "x");
			client.command("MULTI");
			client.command("INCR", "resp:t");
			client.command("ECHO", "after");
			Object results = client.command("EXEC");
			assertThat(results).asList().hasSize(2);
			List<?> list = (List<?>) results;
			assertThat(list.get(0)).isInstanceOf(RespClient.ErrorReplyException.class);
			assertThat(list.get(1)).isEqualTo("after");
		}
	}

	@Test
	void sendsLargeArgumentLists() {
		String[] args = new String[2001];
		args[0] = "SADD";
		Arrays.setAll(args, (i) -> (i == 0) ? "SADD" : (i == 1) ? "resp:set" : "m" + i);
		assertThat(RespClient.call(server.port(), args)).isEqualTo(1999L);
	}

}
