package dev.delayqueue.web;

import java.io.IOException;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import dev.delayqueue.web.Client.Reply;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Redis unreachable the endpoints answer at once: {@code 503} for {@code /job}, httpqueue's {@code 500}.
 */
@SpringBootTest(classes = EndpointsWithoutRedisTests.Server.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "delayqueue.web.enabled=true", "delayqueue.web.httpqueue.enabled=true",
				"spring.data.redis.timeout=2s", "spring.data.redis.connect-timeout=1s" })
class EndpointsWithoutRedisTests {

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			int closed = socket.getLocalPort();
			registry.add("spring.data.redis.port", () -> closed);
		}
	}

	@Test
	void redisDownIs503ForJobAnd500ForHttpQueue() {
		Client client = new Client(this.port, null);
		long start = System.nanoTime();
		Reply job = client.send("POST", "/job",
				"{\"topic\":\"a\",\"id\":\"1\",\"delay\":5,\"callback\":\"http://127.0.0.1:9/x\"}");
		assertThat(job.status()).isEqualTo(503);
		assertThat(job.json().get("success").asInt()).isZero();
		assertThat(job.json().get("message").asString()).contains("Redis is unavailable");
		assertThat(client.send("GET", "/job?topic=a&id=1", null).status()).isEqualTo(503);
		Reply create = client.send("POST", "/create",
				"{\"topic\":\"a\",\"delay\":5,\"retry\":1,\"callback\":\"http://127.0.0.1:9/x\",\"content\":\"c\"}");
		assertThat(create.status()).isEqualTo(500);
		assertThat(create.json().get("error").asString()).contains("Redis is unavailable");
		assertThat((System.nanoTime() - start) / 1_000_000).as("ms for three requests").isLessThan(10_000);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Server {

	}

}
