package dev.delayqueue.samples.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server as the seeds' clients see it: requests written from each seed README, callbacks received by receivers
 * written from them (seed 1 answers {@code ok} to a PUT, seed 2 answers {@code {"code":100}} to a POST).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DelayQueueServerApplicationTests {

	private static final List<String> received = new CopyOnWriteArrayList<>();

	private static HttpServer receiver;

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@BeforeAll
	static void startReceiver() throws IOException {
		receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/", (exchange) -> {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + body);
			byte[] answer = (exchange.getRequestURI().getPath().startsWith("/seed1") ? "ok" : "{\"code\":100}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, answer.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(answer);
			}
		});
		receiver.start();
	}

	@AfterAll
	static void stopReceiver() {
		receiver.stop(0);
	}

	private String callback(String path) {
		return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
	}

	@Test
	void aDelayQueueCallbackClientWorksUnchanged() throws Exception {
		String job = "{\"topic\":\"inform\",\"id\":\"08019413123\",\"delay\":1,\"callback\":\"" + callback("/seed1")
				+ "\",\"body\":{\"example\":true}}";
		assertThat(send("POST", "/job", job)).contains("\"success\":1");
		assertThat(send("GET", "/job?topic=inform&id=08019413123", null)).contains("\"job_sign\":\"inform-08019413123\"");
		await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch((r) -> r.startsWith("PUT /seed1")));
		assertThat(received).anyMatch((r) -> r.startsWith("PUT /seed1 ") && r.contains("\"example\":true"));
		assertThat(send("POST", "/job", job.replace("\"delay\":1", "\"delay\":60"))).contains("\"success\":1");
		assertThat(send("DELETE", "/job?topic=inform&id=08019413123", null)).contains("\"success\":1");
	}

	@Test
	void anHttpQueueClientWorksUnchanged() throws Exception {
		String created = send("POST", "/create", "{\"topic\":\"order\",\"delay\":1,\"retry\":3,\"callback\":\""
				+ callback("/seed2") + "\",\"content\":\"hello\"}");
		String id = created.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
		assertThat(send("POST", "/query", "{\"id\":\"" + id + "\"}")).contains("\"creat_time\"").contains("\"max_retry\":3");
		await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch((r) -> r.startsWith("POST /seed2")));
		assertThat(received).anyMatch((r) -> r.equals("POST /seed2 {\"id\":\"" + id + "\",\"topic\":\"order\",\"content\":\"hello\"}"));
	}

	@Test
	void prometheusHealthAndTheDelayQueueEndpointShowTheQueue() throws Exception {
		String job = "{\"topic\":\"metered\",\"id\":\"m-1\",\"delay\":0,\"callback\":\"" + callback("/seed1")
				+ "\",\"body\":{}}";
		assertThat(send("POST", "/job", job)).contains("\"success\":1");
		await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch((r) -> r.startsWith("PUT /seed1")));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(send("GET", "/actuator/prometheus", null))
			.contains("delayqueue_delivery_lateness_seconds_bucket{lane=\"http\",topic=\"metered\"")
			.contains("delayqueue_delivery_seconds_count{lane=\"http\",outcome=\"success\",topic=\"metered\"} 1")
			.contains("delayqueue_jobs_scheduled_total{result=\"created\",topic=\"metered\"} 1"));
		JsonNode health = JsonMapper.shared().readTree(send("GET", "/actuator/health", null));
		assertThat(health.at("/components/delayqueue/status").asString()).isEqualTo("UP");
		assertThat(send("POST", "/actuator/delayqueue/metered", "{}")).isEqualTo("{\"redriven\":0}");
		assertThat(send("DELETE", "/actuator/delayqueue/metered?id=nope", null)).isEqualTo("{\"purged\":0}");
		assertThat(send("GET", "/actuator/delayqueue", null)).contains("\"metered\"").contains("\"servedBy\"");
	}

	private String send(String method, String path, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
					: HttpRequest.BodyPublishers.noBody());
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 201);
		return response.body();
	}

}
