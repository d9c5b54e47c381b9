package dev.delayqueue.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.delayqueue.TestRedis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page under a servlet context path links its script, style and JSON under that path.
 */
@SpringBootTest(classes = DashboardContextPathTests.Server.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.servlet.context-path=/app", "delayqueue.dashboard.enabled=true",
				"delayqueue.dashboard.password=pw", "delayqueue.dashboard.path=/ops/queue", "delayqueue.worker.enabled=false" })
class DashboardContextPathTests {

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", TestRedis::port);
		registry.add("delayqueue.redis.key-prefix", TestRedis::uniquePrefix);
	}

	@Test
	void thePageLinksEverythingUnderTheContextPath() throws Exception {
		HttpResponse<String> page = get("/app/ops/queue");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("href=\"/app/ops/queue/dashboard.css\"", "src=\"/app/ops/queue/dashboard.js\"",
				"data-base=\"/app/ops/queue\"");
		assertThat(get("/app/ops/queue/dashboard.js").statusCode()).isEqualTo(200);
		assertThat(get("/app/ops/queue/api/overview").statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.header("Authorization", "basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Server {

	}

}
