package dev.delayqueue.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.Backoff;
import dev.delayqueue.CallbackReceiver.Answer;
import dev.delayqueue.CallbackReceiver.Call;
import dev.delayqueue.web.Client.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * httpqueue's {@code /create}, {@code /delete}, {@code /query} as a client written from its README uses them.
 */
class HttpQueueEndpointTests extends EndpointTestSupport {

	private static String task(Object delay, Object retry, String callback, Object content) {
		Map<String, Object> task = new LinkedHashMap<>();
		task.put("topic", "order");
		task.put("delay", delay);
		task.put("retry", retry);
		task.put("callback", callback);
		task.put("content", content);
		return Client.json(task);
	}

	private String create(String body) {
		Reply reply = client().send("POST", "/create", body);
		assertThat(reply.status()).as(reply.text()).isEqualTo(200);
		return reply.json().get("id").asString();
	}

	@Test
	void aSeed2ClientCreatesQueriesAndReceivesAPostThatItAnswersCode100() {
		receiver.answer((call) -> Answer.of(200, "{\"code\":100}"));
		long now = Instant.now().getEpochSecond();
		String id = create(task(1, 3, receiver.url("/seed2/a"), "hello"));
		assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
		Reply query = client().send("POST", "/query", "{\"id\":\"" + id + "\"}");
		assertThat(query.status()).isEqualTo(200);
		JsonNode task = query.json();
		assertThat(task.get("id").asString()).isEqualTo(id);
		assertThat(task.get("topic").asString()).isEqualTo("order");
		assertThat(task.get("execute_time").asLong()).isBetween(now, now + 2);
		assertThat(task.get("max_retry").asInt()).isEqualTo(3);
		assertThat(task.get("has_retry").asInt()).isZero();
		assertThat(task.get("callback").asString()).isEqualTo(receiver.url("/seed2/a"));
		assertThat(task.get("content").asString()).isEqualTo("hello");
		assertThat(task.get("creat_time").asLong()).isBetween(now - 1, now + 1);
		await().atMost(5, TimeUnit.SECONDS).until(() -> receiver.calls("/seed2/a").size() == 1);
		Call call = receiver.calls("/seed2/a").get(0);
		assertThat(call.method()).isEqualTo("POST");
		JsonNode payload = new JsonMapper().readTree(call.body());
		assertThat(payload.propertyNames()).containsExactlyInAnyOrder("id", "topic", "content");
		assertThat(payload.get("id").asString()).isEqualTo(id);
		assertThat(payload.get("topic").asString()).isEqualTo("order");
		assertThat(payload.get("content").asString()).isEqualTo("hello");
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> client().send("POST", "/query", "{\"id\":\"" + id + "\"}").status() == 404);
	}

	@Test
	void code101WaitsTheNextBackoffStepWithoutSpendingARetry_RetriesWaitTenTwentyFortySeconds() {
		assertThat(Backoff.HTTPQUEUE.after(1)).hasSeconds(10);
		assertThat(Backoff.HTTPQUEUE.after(2)).hasSeconds(20);
		assertThat(Backoff.HTTPQUEUE.after(3)).hasSeconds(40);
		AtomicInteger calls = new AtomicInteger();
		receiver.answer((call) -> Answer.of(200, (calls.incrementAndGet() == 1) ? "{\"code\":101}" : "{\"code\":7}"));
		String id = create(task(0, 1, receiver.url("/seed2/retry"), Map.of("k", "v")));
		await().atMost(5, TimeUnit.SECONDS).until(() -> receiver.calls("/seed2/retry").size() == 1);
		// 101: next attempt after the 10 s backoff step, retries untouched (once the outcome is recorded)
		await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
			JsonNode afterSlowDown = client().send("POST", "/query", "{\"id\":\"" + id + "\"}").json();
			assertThat(afterSlowDown.get("has_retry").asInt()).isZero();
			assertThat(afterSlowDown.get("execute_time").asLong() - Instant.now().getEpochSecond()).isBetween(8L, 10L);
		});
		assertThat(client().send("POST", "/delete", "{\"id\":\"" + id + "\"}").status()).isEqualTo(200);
		assertThat(client().send("POST", "/delete", "{\"id\":\"" + id + "\"}").status()).isEqualTo(404);
		assertThat(client().send("POST", "/query", "{\"id\":\"" + id + "\"}").status()).isEqualTo(404);
	}

	@Test
	void everyBrokenRuleIsA400AndNothingIsStored() {
		String url = receiver.url("/v");
		List<String> bad = List.of("", "nope", "{\"topic\":\"order\"}", task(-1, 3, url, "x"), task("15", 3, url, "x"),
				task(15, -1, url, "x"), task(15, 101, url, "x"), task(15, 1.5, url, "x"), task(15, 3, "", "x"),
				task(15, 3, "://x", "x"), task(15, 3, "http://169.254.169.254/", "x"),
				task(15, 3, url, "x").replace("\"order\"", "\"\""), task(15, 3, url, "x").replace("\"order\"", "7"),
				task(15, 3, url, "x").replace("\"order\"", "\"or der\""), task(1e12, 3, url, "x"));
		Set<String> before = keys();
		for (String body : bad) {
			Reply reply = client().send("POST", "/create", body);
			assertThat(reply.status()).as(body).isEqualTo(400);
			assertThat(reply.json().get("error").asString()).as(body).isNotBlank();
		}
		for (String body : List.of("", "{}", "{\"id\":5}", "{\"id\":\"\"}")) {
			assertThat(client().send("POST", "/query", body).status()).as(body).isEqualTo(400);
			assertThat(client().send("POST", "/delete", body).status()).as(body).isEqualTo(400);
		}
		assertThat(keys()).isEqualTo(before);
	}

}
