package dev.delayqueue.samples.secured;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobRequest;
import dev.delayqueue.samples.permit.PermitDashboard;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard under the application's Spring Security rules: who may see it is the application's decision, and
 * Spring Security's CSRF protection covers its writes, with the token the overview hands out.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "delayqueue.redis.key-prefix=secured-dashboard")
class SecuredDashboardApplicationTests {

	private static final JsonMapper JSON = new JsonMapper();

	@LocalServerPort
	int port;

	@Autowired
	DelayQueue queue;

	@Test
	void theApplicationsRulesDecideWhoSeesTheDashboard() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		assertThat(http.send(get("/delayqueue", null), HttpResponse.BodyHandlers.ofString()).statusCode())
			.isEqualTo(401);
		assertThat(http.send(get("/delayqueue/api/overview", basic("viewer", "viewer-password")),
				HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
		HttpResponse<String> page = http.send(get("/delayqueue", basic("ops", "ops-password")),
				HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("/delayqueue/dashboard.js");
	}

	@Test
	void aRedriveNeedsSpringSecuritysCsrfTokenWhichTheOverviewHandsOut() throws Exception {
		this.queue.schedule(JobRequest.builder("report", "monthly").delay(Duration.ZERO).build());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.deadJobs("report", 0, 10).size() == 1);
		Instant firstDeath = this.queue.deadJobs("report", 0, 10).get(0).updatedAt();
		// a browser's session: the CSRF token lives in it
		HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		String ops = basic("ops", "ops-password");
		HttpResponse<String> overview = browser.send(get("/delayqueue/api/overview", ops),
				HttpResponse.BodyHandlers.ofString());
		assertThat(overview.statusCode()).isEqualTo(200);
		Map<String, String> csrf = new HashMap<>();
		for (JsonNode header : JSON.readTree(overview.body()).get("csrf")) {
			csrf.put(header.get("header").asString(), header.get("token").asString());
		}
		assertThat(csrf).containsKey("X-DelayQueue-CSRF").containsKey("X-CSRF-TOKEN");

		Map<String, String> onlyOurs = Map.of("X-DelayQueue-CSRF", csrf.get("X-DelayQueue-CSRF"));
		assertThat(browser.send(post("/delayqueue/api/redrive", ops, onlyOurs), HttpResponse.BodyHandlers.ofString())
			.statusCode()).as("without Spring Security's token").isEqualTo(403);
		assertThat(this.queue.deadJobs("report", 0, 10)).hasSize(1);

		HttpResponse<String> redriven = browser.send(post("/delayqueue/api/redrive", ops, csrf),
				HttpResponse.BodyHandlers.ofString());
		assertThat(redriven.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(redriven.body()).get("redriven").asLong()).isEqualTo(1);
		// delivered again: it fails again and is dead again, after a second attempt
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.deadJobs("report", 0, 10).stream()
			.anyMatch((job) -> job.updatedAt().isAfter(firstDeath)));
	}

	@Test
	void aDashboardPasswordBesideSpringSecurityFailsTheStartupWithoutPrintingIt(CapturedOutput output) {
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> SpringApplication.run(SecuredDashboardApplication.class, "--server.port=0",
					"--delayqueue.dashboard.password=do-not-print-me"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains("delayqueue.dashboard.password")
				.contains("Spring Security guards the application"));
		assertThat(output.getOut() + output.getErr())
			.contains("The configuration property 'delayqueue.dashboard.password' cannot be used")
			.doesNotContain("do-not-print-me");
	}

	@Test
	void aChainThatLetsTheDashboardThroughUnauthenticatedStillFindsItClosed() throws Exception {
		try (ConfigurableApplicationContext open = new SpringApplicationBuilder(SecuredDashboardApplication.class,
				PermitDashboard.class).run("--server.port=0", "--delayqueue.redis.key-prefix=secured-dashboard-open")) {
			int openPort = ((WebServerApplicationContext) open).getWebServer().getPort();
			HttpResponse<String> overview = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + openPort + "/delayqueue/api/overview"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(overview.statusCode()).isEqualTo(401);
			assertThat(overview.body()).contains("needs an authenticated user");
		}
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	private HttpRequest get(String path, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return request.build();
	}

	private HttpRequest post(String path, String authorization, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Authorization", authorization)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"report\",\"id\":\"monthly\"}"));
		headers.forEach(request::header);
		return request.build();
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

}
