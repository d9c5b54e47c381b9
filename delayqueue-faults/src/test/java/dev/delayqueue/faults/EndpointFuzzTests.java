package dev.delayqueue.faults;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.web.HttpQueueEndpoint;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random bad input against both endpoint families of a real server: malformed JSON, wrong types, huge bodies,
 * unicode and control characters in topic and id, negative and overflowing delays, bad URLs, bad query parameters.
 * Every answer must be a 4xx with a message (or a 2xx when a mutation happens to be valid), never a 5xx, and a 4xx
 * must leave Redis exactly as it was. Seeded, so a failure can be replayed.
 */
class EndpointFuzzTests {

	private static final JsonMapper JSON = new JsonMapper();

	private static final long SEED = Long.getLong("faults.seed", 20261121L);

	@TempDir
	Path dir;

	@Test
	void badInputIsA4xxWithAMessageAndChangesNothing() throws Exception {
		int inputs = FaultSupport.size(3_000, 30_000);
		try (RedisServerProcess redis = FaultSupport.redis(this.dir.resolve("redis"), false);
				ConfigurableApplicationContext context = new SpringApplication(Server.class).run("--server.port=0",
						"--spring.data.redis.port=" + redis.port(), "--delayqueue.web.enabled=true",
						"--delayqueue.web.httpqueue.enabled=true", "--delayqueue.web.max-request-size=64KB",
						"--delayqueue.max-body-size=16KB", "--delayqueue.redis.key-prefix=fuzz",
						// only requests may change Redis here: no delivery of jobs that happen to be valid and due
						"--delayqueue.http.enabled=false", "--delayqueue.worker.enabled=false",
						"--logging.level.root=WARN")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			StringRedisTemplate keys = context.getBean(StringRedisTemplate.class);
			HttpClient http = HttpClient.newHttpClient();
			Random random = new Random(SEED);
			Map<Integer, Integer> statuses = new TreeMap<>();
			Set<String> baseline = keys.keys("fuzz:*");
			long writes = writes(keys);
			int tomcatRefusals = 0;
			for (int i = 0; i < inputs; i++) {
				Input input = next(random, i);
				HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + input.path))
					.header("Content-Type", "application/json")
					.method(input.method, (input.body != null) ? HttpRequest.BodyPublishers.ofByteArray(input.body)
							: HttpRequest.BodyPublishers.noBody());
				HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
				int status = response.statusCode();
				statuses.merge(status, 1, Integer::sum);
				String what = "input " + i + " (seed " + SEED + "): " + input.method + " " + abbreviate(input.path) + " "
						+ ((input.body != null) ? abbreviate(new String(input.body, StandardCharsets.UTF_8)) : "")
						+ " -> " + status + " " + abbreviate(response.body());
				assertThat(status).as(what).isLessThan(500);
				if (status >= 400 && input.path.length() > 8_000) {
					// Tomcat refuses a request line over its 8 KB header limit itself, before any application code
					assertThat(status).as(what).isEqualTo(400);
					tomcatRefusals++;
				}
				else if (status >= 400) {
					assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what)
						.startsWith("application/json");
					JsonNode answer = JSON.readTree(response.body());
					String message = answer.has("message") ? answer.get("message").asString()
							: answer.get("error").asString();
					assertThat(message).as(what).isNotBlank();
					assertThat(keys.keys("fuzz:*")).as(what).isEqualTo(baseline);
					assertThat(writes(keys)).as("writes to Redis by " + what).isEqualTo(writes);
				}
				else {
					awaitRegistered(keys, input);
					baseline = keys.keys("fuzz:*");
					writes = writes(keys);
				}
			}
			long bad = statuses.entrySet().stream().filter((e) -> e.getKey() >= 400).mapToLong(Map.Entry::getValue).sum();
			String summary = String.format("%,d inputs (seed %d): %,d answered 4xx, %,d valid by chance (2xx), 0 5xx; "
					+ "statuses %s (%d refused by Tomcat for an over-long request line)", inputs, SEED, bad, inputs - bad,
					statuses, tomcatRefusals);
			System.out.println("FAULTS fuzz " + summary);
			FaultSupport.write("| HTTP fuzz (/job, httpqueue) | " + String.format("%,d", inputs)
					+ " | - | - | - | - | - | " + summary + " |");
		}
	}

	/**
	 * Waits for the topic registration a scheduling request leaves behind: the store adds a topic to the set of
	 * topics on its background thread, after the request has been answered, so without this wait that write would be
	 * counted against the next request.
	 */
	private static void awaitRegistered(StringRedisTemplate redis, Input input) throws InterruptedException {
		String topic;
		boolean callback;
		if (input.path.equals("/create")) {
			topic = HttpQueueEndpoint.DEFAULT_TOPIC;
			callback = true;
		}
		else if (input.path.equals("/job") && input.method.equals("POST")) {
			JsonNode job = JSON.readTree(new String(input.body, StandardCharsets.UTF_8).replace("\uFEFF", ""));
			topic = job.get("topic").asString();
			callback = job.hasNonNull("callback");
		}
		else {
			return;
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!Boolean.TRUE.equals(redis.opsForSet().isMember("fuzz:topics", topic))
				|| (callback && !Boolean.TRUE.equals(redis.opsForSet().isMember("fuzz:topics:http", topic)))) {
			assertThat(System.nanoTime()).as("topic '%s' registered after %s %s", topic, input.method, input.path)
				.isLessThan(deadline);
			Thread.sleep(5);
		}
	}

	/** Redis's count of writes since the last save; it never saves here, so any write moves it. */
	private static long writes(StringRedisTemplate redis) {
		Properties info = redis.execute((RedisCallback<Properties>)
				(connection) -> connection.serverCommands().info("persistence"));
		return Long.parseLong(info.getProperty("rdb_changes_since_last_save"));
	}

	record Input(String method, String path, byte[] body) {
	}

	private static final List<Object> NASTY = List.of("", " ", "\u0000", "a\nb", "\u202e\u0645", "😀", "x".repeat(300),
			"y".repeat(20_000), -1, -1.5, 0, 1.5, 1e308, 9_223_372_036_854_775_807L, 1_000_000_000_000_000L, true, false,
			List.of(), List.of(1, 2), Map.of(), Map.of("$ne", 1), "://x", "ftp://example.com/", "http://169.254.169.254/",
			"http://[::1", "javascript:alert(1)", "http://user:pw@example.com/", "http://" + "h".repeat(3_000) + "/",
			"http://127.0.0.1:9/x", "a{b}", "topic with space", "../../etc/passwd", "%00", "null");

	private static final List<String> JOB_FIELDS = List.of("topic", "id", "delay", "callback", "body", "run_at",
			"max_attempts", "backoff", "method", "headers", "success", "if_absent");

	private static final List<String> TASK_FIELDS = List.of("topic", "delay", "retry", "callback", "content", "id");

	private static Input next(Random random, int i) {
		int kind = random.nextInt(10);
		if (kind < 4) {
			return new Input("POST", "/job", mutate(random, validJob(i), JOB_FIELDS));
		}
		if (kind < 6) {
			return new Input("POST", "/create", mutate(random, validTask(), TASK_FIELDS));
		}
		if (kind == 6) {
			String path = random.nextBoolean() ? "/query" : "/delete";
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("id", NASTY.get(random.nextInt(NASTY.size())));
			return new Input("POST", path, mutate(random, body, List.of("id")));
		}
		String topic = encode(random.nextInt(3) == 0 ? "fuzz" : String.valueOf(NASTY.get(random.nextInt(NASTY.size()))));
		String id = encode(String.valueOf(NASTY.get(random.nextInt(NASTY.size()))));
		String number = encode(String.valueOf(NASTY.get(random.nextInt(NASTY.size()))));
		return switch (random.nextInt(5)) {
			case 0 -> new Input("GET", "/job?topic=" + topic + "&id=" + id, null);
			case 1 -> new Input("DELETE", "/job?topic=" + topic + (random.nextBoolean() ? "&id=" + id : ""), null);
			case 2 -> new Input("GET", "/job/dead?topic=" + topic + "&offset=" + number + "&limit=" + number, null);
			case 3 -> new Input("POST", "/job/dead/redrive?topic=" + topic + "&id=" + id, null);
			default -> new Input("GET", "/job/stats?topic=" + topic, null);
		};
	}

	private static Map<String, Object> validJob(int i) {
		Map<String, Object> job = new LinkedHashMap<>();
		job.put("topic", "fuzz");
		job.put("id", "job-" + i);
		job.put("delay", 3600);
		job.put("callback", "http://127.0.0.1:9/x");
		job.put("body", Map.of("n", i));
		return job;
	}

	private static Map<String, Object> validTask() {
		Map<String, Object> task = new LinkedHashMap<>();
		task.put("topic", "fuzz");
		task.put("delay", 3600);
		task.put("retry", 3);
		task.put("callback", "http://127.0.0.1:9/x");
		task.put("content", "hello");
		return task;
	}

	private static byte[] mutate(Random random, Map<String, Object> body, List<String> fields) {
		int mutations = 1 + random.nextInt(3);
		for (int m = 0; m < mutations; m++) {
			String field = fields.get(random.nextInt(fields.size()));
			switch (random.nextInt(4)) {
				case 0 -> body.remove(field);
				case 1, 2 -> body.put(field, NASTY.get(random.nextInt(NASTY.size())));
				default -> body.put("unknown_" + random.nextInt(3), NASTY.get(random.nextInt(NASTY.size())));
			}
		}
		byte[] json = JSON.writeValueAsBytes(body);
		return switch (random.nextInt(12)) {
			case 0 -> Arrays.copyOf(json, random.nextInt(json.length));
			case 1 -> {
				byte[] broken = json.clone();
				broken[random.nextInt(broken.length)] = (byte) random.nextInt(256);
				yield broken;
			}
			case 2 -> ("[" + new String(json, StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8);
			case 3 -> ("{\"topic\":\"a\"," + new String(json, StandardCharsets.UTF_8).substring(1))
				.getBytes(StandardCharsets.UTF_8);
			case 4 -> "[".repeat(2_000).getBytes(StandardCharsets.UTF_8);
			case 5 -> {
				byte[] noise = new byte[random.nextInt(200)];
				random.nextBytes(noise);
				yield noise;
			}
			case 6 -> ("\uFEFF" + new String(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
			case 7 -> new byte[70_000];
			default -> json;
		};
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String abbreviate(String text) {
		return (text.length() > 300) ? text.substring(0, 300) + "..." : text;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Server {

	}

}
