package dev.delayqueue.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.TestRedis;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's page and API on a real server (Tomcat on a random port) with a real Redis and a real handler:
 * HTTP Basic on everything, the security headers, real counts, job lookup, dead jobs, and writes guarded against
 * cross-site requests.
 */
@SpringBootTest(classes = DashboardEndpointTests.Server.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "delayqueue.dashboard.enabled=true", "delayqueue.dashboard.password=" + DashboardEndpointTests.PASSWORD,
				"delayqueue.defaults.retry.max-attempts=1" })
class DashboardEndpointTests {

	static final String PASSWORD = "s3cret-dashboard";

	static final String PREFIX = TestRedis.uniquePrefix();

	private static final JsonMapper JSON = new JsonMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	DelayQueue queue;

	@Autowired
	DashboardRecorder recorder;

	@Autowired
	Handler handler;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", TestRedis::port);
		registry.add("delayqueue.redis.key-prefix", () -> PREFIX);
	}

	@Test
	void everyRequestNeedsTheCredentials() throws Exception {
		for (String path : new String[] { "/delayqueue", "/delayqueue/dashboard.js", "/delayqueue/api/overview" }) {
			HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET(), null);
			assertThat(response.statusCode()).as(path).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate")).contains(
					"Basic realm=\"delayqueue\", charset=\"UTF-8\"");
		}
		HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri("/delayqueue"))
			.header("Authorization", basic("admin", "guess")), null);
		assertThat(wrong.statusCode()).isEqualTo(401);
	}

	@Test
	void thePageRunsNothingInlineAndCannotBeFramed() throws Exception {
		HttpResponse<String> page = get("/delayqueue");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
				(csp) -> assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'")
					.doesNotContain("unsafe-inline"));
		assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
		assertThat(page.body()).contains("src=\"/delayqueue/dashboard.js\"").doesNotContain("{{base}}", "<script>");
		assertThat(get("/delayqueue/dashboard.js").headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/javascript"));
		assertThat(get("/delayqueue/dashboard.js").body()).doesNotContain("innerHTML", "eval(");
	}

	@Test
	void theOverviewShowsRealCountsTheLastHourAndTheInstances() throws Exception {
		this.queue.schedule(JobRequest.builder("dash-later", "a").delay(Duration.ofHours(1)).build());
		this.queue.schedule(JobRequest.builder("dash-later", "b").delay(Duration.ofHours(1)).build());
		this.queue.schedule(JobRequest.builder("dash-ok", "c").delay(Duration.ofMillis(50)).build());
		assertThat(this.handler.delivered.poll(10, TimeUnit.SECONDS)).isEqualTo("c");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.queue.get("dash-ok", "c").isEmpty());
		this.recorder.flush();
		JsonNode overview = json(get("/delayqueue/api/overview"));
		JsonNode later = topic(overview, "dash-later");
		assertThat(later.get("pending").asLong()).isEqualTo(2);
		assertThat(later.get("dead").asLong()).isZero();
		JsonNode ok = topic(overview, "dash-ok");
		assertThat(ok.get("deliveredLastHour").asLong()).isEqualTo(1);
		assertThat(ok.get("latenessP99Millis").asLong()).isBetween(1L, 1000L);
		assertThat(ok.get("servedBy")).hasSize(1);
		assertThat(overview.get("minutes")).hasSize(60);
		JsonNode thisMinute = overview.get("minutes").get(59);
		assertThat(thisMinute.get("delivered").asLong()).isPositive();
		assertThat(overview.get("instances")).hasSize(1);
		assertThat(overview.get("csrf").get(0).get("header").asString()).isEqualTo(DashboardEndpoint.CSRF_HEADER);
	}

	@Test
	void aJobIsFoundByTopicAndIdAndItsBodyIsPlainText() throws Exception {
		String body = "{\"note\":\"<img src=x onerror=alert(1)>\"}";
		this.queue.schedule(JobRequest.builder("dash-xss", "xss").delay(Duration.ofHours(1))
			.body(Map.of("note", "<img src=x onerror=alert(1)>")).build());
		HttpResponse<String> found = get("/delayqueue/api/job?topic=dash-xss&id=xss");
		assertThat(found.statusCode()).isEqualTo(200);
		assertThat(found.headers().firstValue("Content-Type")).contains("application/json");
		assertThat(json(found).get("body").asString()).isEqualTo(body);
		assertThat(json(found).get("state").asString()).isEqualTo("PENDING");
		assertThat(get("/delayqueue/api/job?topic=dash-xss&id=nope").statusCode()).isEqualTo(404);
		HttpResponse<String> bad = get("/delayqueue/api/job?topic=a%20b&id=x");
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(json(bad).get("field").asString()).isEqualTo("topic");
		assertThat(json(get("/delayqueue/api/dead?topic=dash-later&limit=101")).get("field").asString())
			.isEqualTo("limit");
	}

	@Test
	void aWriteNeedsTheTokenAndTheSameOriginThenRedrivesAndPurges() throws Exception {
		this.queue.schedule(JobRequest.builder("dash-fail", "d1").delay(Duration.ZERO).build());
		this.queue.schedule(JobRequest.builder("dash-fail", "d2").delay(Duration.ZERO).build());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.deadJobs("dash-fail", 0, 10).size() == 2);
		JsonNode dead = json(get("/delayqueue/api/dead?topic=dash-fail"));
		assertThat(dead).hasSize(2);
		assertThat(dead.get(0).get("lastError").asString()).contains("always fails");
		String token = json(get("/delayqueue/api/overview")).get("csrf").get(0).get("token").asString();
		String target = "{\"topic\":\"dash-fail\",\"id\":\"d1\"}";

		HttpResponse<String> noToken = post("/delayqueue/api/redrive", target, Map.of());
		assertThat(noToken.statusCode()).isEqualTo(403);
		assertThat(json(noToken).get("error").asString()).contains(DashboardEndpoint.CSRF_HEADER);
		assertThat(post("/delayqueue/api/redrive", target, Map.of(DashboardEndpoint.CSRF_HEADER, "forged"))
			.statusCode()).isEqualTo(403);
		for (String origin : new String[] { "http://evil.example", "https://localhost:" + this.port, "null" }) {
			assertThat(post("/delayqueue/api/redrive", target, Map.of(DashboardEndpoint.CSRF_HEADER, token, "Origin",
					origin)).statusCode()).as(origin).isEqualTo(403);
		}
		assertThat(this.queue.get("dash-fail", "d1")).hasValueSatisfying(
				(job) -> assertThat(job.state()).isEqualTo(JobState.DEAD));

		HttpResponse<String> redriven = post("/delayqueue/api/redrive", target,
				Map.of(DashboardEndpoint.CSRF_HEADER, token, "Origin", "http://localhost:" + this.port));
		assertThat(redriven.statusCode()).isEqualTo(200);
		assertThat(json(redriven).get("redriven").asLong()).isEqualTo(1);
		// delivered again (it fails again, so it is dead again, with a second death)
		await().atMost(Duration.ofSeconds(10)).until(() -> this.handler.failures.stream()
			.filter("d1"::equals).count() == 2);

		// a misspelt key or a missing id is an error, never a bulk operation
		for (String wrong : new String[] { "{\"topic\":\"dash-fail\"}", "{\"topic\":\"dash-fail\",\"ID\":\"d2\"}",
				"{\"topic\":\"dash-fail\",\"id\":null}", "{\"topic\":\"dash-fail\",\"id\":\"d2\",\"all\":true}",
				"{\"topic\":\"dash-fail\",\"all\":false}" }) {
			HttpResponse<String> refused = post("/delayqueue/api/purge", wrong, Map.of(DashboardEndpoint.CSRF_HEADER, token));
			assertThat(refused.statusCode()).as(wrong).isEqualTo(400);
		}
		assertThat(this.queue.deadJobs("dash-fail", 0, 10)).isNotEmpty();
		HttpResponse<String> purged = post("/delayqueue/api/purge", "{\"topic\":\"dash-fail\",\"all\":true}",
				Map.of(DashboardEndpoint.CSRF_HEADER, token));
		assertThat(purged.statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.deadJobs("dash-fail", 0, 10).isEmpty());
		HttpResponse<String> invalid = post("/delayqueue/api/purge", "[1]", Map.of(DashboardEndpoint.CSRF_HEADER, token));
		assertThat(invalid.statusCode()).isEqualTo(400);
	}

	private static JsonNode topic(JsonNode overview, String topic) {
		for (JsonNode row : overview.get("topics")) {
			if (row.get("topic").asString().equals(topic)) {
				return row;
			}
		}
		throw new AssertionError("no topic " + topic + " in " + overview);
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).header("Authorization", basic("admin", PASSWORD)), null);
	}

	private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.header("Authorization", basic("admin", PASSWORD))
			.header("Content-Type", "application/json");
		headers.forEach(request::header);
		return send(request, body);
	}

	private HttpResponse<String> send(HttpRequest.Builder request, String body) throws Exception {
		if (body != null) {
			request.POST(HttpRequest.BodyPublishers.ofString(body));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handler.class)
	static class Server {

	}

	static class Handler {

		final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();

		final BlockingQueue<String> failures = new LinkedBlockingQueue<>();

		@DelayedJobHandler(topic = "dash-ok")
		void ok(DelayedJob job) {
			this.delivered.add(job.id());
		}

		@DelayedJobHandler(topic = "dash-fail")
		void fail(DelayedJob job) {
			this.failures.add(job.id());
			throw new IllegalStateException("always fails");
		}

	}

}
