package dev.delayqueue.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackReceiver.Answer;
import dev.delayqueue.CallbackReceiver.Call;
import dev.delayqueue.http.CallbackHeaders;
import dev.delayqueue.web.Client.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /job} as a client written from delay_queue_callback's README uses it, and every validation rule.
 */
class JobEndpointTests extends EndpointTestSupport {

	private static String seed1Job(String id, Object delay, String callback) {
		Map<String, Object> job = new LinkedHashMap<>();
		job.put("topic", "inform");
		job.put("id", id);
		job.put("delay", delay);
		job.put("callback", callback);
		job.put("body", Map.of("example", true));
		return Client.json(job);
	}

	@Test
	void aSeed1ClientSchedulesQueriesAndReceivesAPutThatItAnswersOk() {
		receiver.answer((call) -> Answer.of(200, "ok"));
		long posted = System.currentTimeMillis();
		Reply created = client().send("POST", "/job", seed1Job("08019413123", 1, receiver.url("/seed1/a")));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.json().get("success").asInt()).isOne();
		assertThat(created.json().get("message").asString()).isEqualTo("job added");
		Reply read = client().send("GET", "/job?topic=inform&id=08019413123", null);
		assertThat(read.status()).isEqualTo(200);
		JsonNode data = read.json().get("data");
		assertThat(data.get("topic").asString()).isEqualTo("inform");
		assertThat(data.get("id").asString()).isEqualTo("08019413123");
		assertThat(data.get("delay").asInt()).isEqualTo(1);
		assertThat(data.get("body").get("example").asBoolean()).isTrue();
		assertThat(data.get("job_sign").asString()).isEqualTo("inform-08019413123");
		assertThat(data.get("callback").asString()).isEqualTo(receiver.url("/seed1/a"));
		assertThat(data.get("state").asString()).isEqualTo("pending");
		await().atMost(5, TimeUnit.SECONDS).until(() -> receiver.calls("/seed1/a").size() == 1);
		Call call = receiver.calls("/seed1/a").get(0);
		assertThat(call.method()).isEqualTo("PUT");
		assertThat(call.at() - posted).isBetween(1_000L, 1_800L);
		JsonNode payload = new JsonMapper().readTree(call.body());
		assertThat(payload.get("topic").asString()).isEqualTo("inform");
		assertThat(payload.get("id").asString()).isEqualTo("08019413123");
		assertThat(payload.get("delay").asInt()).isEqualTo(1);
		assertThat(payload.get("callback").asString()).isEqualTo(receiver.url("/seed1/a"));
		assertThat(payload.get("body").get("example").asBoolean()).isTrue();
		assertThat(payload.get("job_sign").asString()).isEqualTo("inform-08019413123");
		assertThat(call.header(CallbackHeaders.ID)).isEqualTo("08019413123");
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> client().send("GET", "/job?topic=inform&id=08019413123", null).status() == 404);
		Reply gone = client().send("GET", "/job?topic=inform&id=08019413123", null);
		assertThat(gone.json().get("success").asInt()).isZero();
		assertThat(gone.json().get("message").asString()).contains("not found");
	}

	@Test
	void aDelayThatCanOnlyBeAUnixTimeIsReadAsOne() {
		long at = Instant.now().getEpochSecond() + 3600;
		Reply created = client().send("POST", "/job", seed1Job("epoch", at, receiver.url("/never")));
		assertThat(created.status()).isEqualTo(201);
		JsonNode data = client().send("GET", "/job?topic=inform&id=epoch", null).json().get("data");
		assertThat(Instant.parse(data.get("due_at").asString())).isEqualTo(Instant.ofEpochSecond(at));
		assertThat(data.get("delay").asLong()).isEqualTo(at);
		Reply relative = client().send("POST", "/job", seed1Job("relative", 999_999_999L, receiver.url("/never")));
		assertThat(Instant.parse(relative.json().get("data").get("due_at").asString()))
			.isAfter(Instant.now().plusSeconds(999_999_000L));
		assertThat(client().send("DELETE", "/job?topic=inform&id=epoch", null).status()).isEqualTo(200);
		assertThat(client().send("DELETE", "/job?topic=inform&id=relative", null).status()).isEqualTo(200);
		Reply again = client().send("DELETE", "/job?topic=inform&id=epoch", null);
		assertThat(again.status()).isEqualTo(404);
		assertThat(again.json().get("success").asInt()).isZero();
	}

	@Test
	void rePostingOverwritesTheJob_OneDeliveryWithTheNewPayload() {
		receiver.answer((call) -> Answer.of(200, "ok"));
		assertThat(client().send("POST", "/job", seed1Job("over", 1, receiver.url("/over"))).status()).isEqualTo(201);
		Reply replaced = client().send("POST", "/job", Client.json(Map.of("topic", "inform", "id", "over", "delay", 1,
				"callback", receiver.url("/over"), "body", "second")));
		assertThat(replaced.status()).isEqualTo(200);
		assertThat(replaced.json().get("message").asString()).isEqualTo("job replaced");
		await().atMost(5, TimeUnit.SECONDS).until(() -> receiver.calls("/over").size() == 1);
		await().during(1_200, TimeUnit.MILLISECONDS).atMost(3, TimeUnit.SECONDS)
			.until(() -> receiver.calls("/over").size() == 1);
		assertThat(receiver.calls("/over").get(0).bodyText()).contains("\"body\":\"second\"");
		Reply ifAbsent = client().send("POST", "/job", Client.json(Map.of("topic", "inform", "id", "kept", "delay", 60,
				"callback", receiver.url("/never"), "if_absent", true)));
		assertThat(ifAbsent.status()).isEqualTo(201);
		Reply conflict = client().send("POST", "/job", Client.json(Map.of("topic", "inform", "id", "kept", "delay", 60,
				"callback", receiver.url("/never"), "if_absent", true)));
		assertThat(conflict.status()).isEqualTo(409);
		assertThat(conflict.json().get("success").asInt()).isZero();
		client().send("DELETE", "/job?topic=inform&id=kept", null);
	}

	@Test
	void aReceiverThatNeverSaysOkSendsTheJobToTheDeadStateWhereItCanBeListedRedrivenAndPurged() {
		AtomicInteger calls = new AtomicInteger();
		receiver.answer((call) -> call.path().equals("/liar") ? Answer.of(200, "fine, thanks " + calls.incrementAndGet())
				: Answer.of(200, "ok"));
		String job = Client.json(Map.of("topic", "deadly", "id", "d1", "delay", 0, "callback", receiver.url("/liar"),
				"max_attempts", 2, "backoff", Map.of("initial", 0.2, "multiplier", 1)));
		assertThat(client().send("POST", "/job", job).status()).isEqualTo(201);
		await().atMost(5, TimeUnit.SECONDS).until(() -> client().send("GET", "/job?topic=deadly&id=d1", null)
			.json().get("data").get("state").asString().equals("dead"));
		assertThat(receiver.calls("/liar")).hasSize(2);
		JsonNode dead = client().send("GET", "/job/dead?topic=deadly", null).json().get("data");
		assertThat(dead).hasSize(1);
		assertThat(dead.get(0).get("id").asString()).isEqualTo("d1");
		assertThat(dead.get(0).get("attempts").asInt()).isEqualTo(2);
		assertThat(dead.get(0).get("last_error").asString()).contains("Expected the answer 'ok'")
			.contains("fine, thanks 2");
		assertThat(client().send("GET", "/job/stats?topic=deadly", null).json().get("data").get("dead").asInt()).isOne();
		receiver.answer((call) -> Answer.of(200, "ok"));
		Reply redriven = client().send("POST", "/job/dead/redrive?topic=deadly&id=d1", null);
		assertThat(redriven.status()).isEqualTo(200);
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> client().send("GET", "/job?topic=deadly&id=d1", null).status() == 404);
		assertThat(receiver.calls("/liar")).hasSize(3);
		assertThat(client().send("POST", "/job/dead/redrive?topic=deadly&id=d1", null).status()).isEqualTo(404);
		receiver.answer((call) -> Answer.of(500, ""));
		client().send("POST", "/job", job.replace("\"d1\"", "\"d2\""));
		await().atMost(5, TimeUnit.SECONDS).until(() -> client().send("GET", "/job/stats?topic=deadly", null)
			.json().get("data").get("dead").asInt() == 1);
		Reply purged = client().send("DELETE", "/job/dead?topic=deadly", null);
		assertThat(purged.json().get("data").get("purged").asInt()).isOne();
		assertThat(client().send("GET", "/job?topic=deadly&id=d2", null).status()).isEqualTo(404);
	}

	@Test
	void withoutTheBearerTokenEveryRequestIs401() {
		Reply reply = client().send("GET", "/job?topic=inform&id=x", null, null);
		assertThat(reply.status()).isEqualTo(401);
		assertThat(reply.json().get("success").asInt()).isZero();
		assertThat(client().send("POST", "/job", seed1Job("x", 1, receiver.url("/x")), "wrong-token").status())
			.isEqualTo(401);
		assertThat(client().send("POST", "/create", "{}", null).status()).isEqualTo(401);
	}

	@Test
	void everyBrokenRuleIsA400NamingTheFieldAndNothingIsStored() {
		String url = receiver.url("/v");
		Map<String, String> cases = new LinkedHashMap<>();
		cases.put("", "request");
		cases.put("not json", "request");
		cases.put("[1,2]", "request");
		cases.put("{\"topic\":\"a\",\"topic\":\"b\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\"}", "request");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\"} trailing", "request");
		cases.put("{\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\"}", "topic");
		cases.put("{\"topic\":\"\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\"}", "topic");
		cases.put("{\"topic\":\"with space\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\"}", "topic");
		cases.put("{\"topic\":\"a{b}\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\"}", "topic");
		cases.put("{\"topic\":\"" + "t".repeat(129) + "\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\"}", "topic");
		cases.put("{\"topic\":7,\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\"}", "topic");
		cases.put("{\"topic\":\"a\",\"delay\":1,\"callback\":\"" + url + "\"}", "id");
		cases.put("{\"topic\":\"a\",\"id\":\"x\\u0000y\",\"delay\":1,\"callback\":\"" + url + "\"}", "id");
		cases.put("{\"topic\":\"a\",\"id\":\"" + "i".repeat(257) + "\",\"delay\":1,\"callback\":\"" + url + "\"}", "id");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"callback\":\"" + url + "\"}", "delay");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":-5,\"callback\":\"" + url + "\"}", "delay");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":\"10\",\"callback\":\"" + url + "\"}", "delay");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1e400,\"callback\":\"" + url + "\"}", "delay");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":99999999999999,\"callback\":\"" + url + "\"}", "delay");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"run_at\":5,\"callback\":\"" + url + "\"}", "run_at");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"run_at\":\"tomorrow\",\"callback\":\"" + url + "\"}", "run_at");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"run_at\":\"-300000000-01-01T00:00:00Z\",\"callback\":\"" + url
				+ "\"}", "run_at");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"run_at\":-1,\"callback\":\"" + url + "\"}", "run_at");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"run_at\":1e400,\"callback\":\"" + url + "\"}", "run_at");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1e1000000000,\"callback\":\"" + url + "\"}", "delay");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1}", "callback");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"://x\"}", "callback");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"ftp://x/y\"}", "callback");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"http://169.254.169.254/\"}", "callback");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"method\":\"GET\"}", "method");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"success\":\"maybe\"}",
				"success");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"headers\":{\"Host\":\"x\"}}",
				"headers");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"headers\":{\"X\":1}}",
				"headers.X");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"max_attempts\":0}",
				"max_attempts");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"max_attempts\":10001}",
				"max_attempts");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url
				+ "\",\"headers\":{\"Bad Name\":\"x\"}}", "headers");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url
				+ "\",\"headers\":{\"X-A\":\"line\\nbreak\"}}", "headers");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url
				+ "\",\"headers\":{\"X-DelayQueue-Id\":\"spoof\"}}", "headers");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"headers\":"
				+ Client.json(IntStream.range(0, 33).boxed()
					.collect(Collectors.toMap((i) -> "H" + i, (i) -> "v")))
				+ "}", "headers");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "?" + "q".repeat(2100) + "\"}",
				"callback");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"http://user:pw@example.com/\"}",
				"callback");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":[\"" + url + "\"]}", "callback");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"run_at\":true,\"callback\":\"" + url + "\"}", "run_at");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url
				+ "\",\"backoff\":{\"initial\":10,\"max\":5}}", "backoff.max");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"backoff\":{}}",
				"backoff.initial");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"backoff\":3}",
				"backoff");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"max_attempts\":1.5}",
				"max_attempts");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"max_attempts\":2.0}",
				"max_attempts");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"max_attempts\":\"2\"}",
				"max_attempts");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"backoff\":{\"initial\":-1}}",
				"backoff.initial");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url
				+ "\",\"backoff\":{\"initial\":1,\"multiplier\":0.5}}", "backoff.multiplier");
		cases.put("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + url + "\",\"if_absent\":\"yes\"}",
				"if_absent");
		Set<String> before = keys();
		for (Map.Entry<String, String> c : cases.entrySet()) {
			Reply reply = client().send("POST", "/job", c.getKey());
			assertThat(reply.status()).as(c.getKey()).isEqualTo(400);
			JsonNode answer = reply.json();
			assertThat(answer.get("success").asInt()).isZero();
			assertThat(answer.get("data").get("field").asString()).as(c.getKey()).isEqualTo(c.getValue());
			assertThat(answer.get("message").asString()).as(c.getKey()).startsWith(c.getValue() + " ");
		}
		for (String query : List.of("/job", "/job?topic=a", "/job?id=1", "/job?topic=a%20b&id=1",
				"/job/dead?topic=a&limit=0", "/job/dead?topic=a&offset=-1", "/job/dead?topic=a&limit=x")) {
			assertThat(client().send("GET", query, null).status()).as(query).isEqualTo(400);
		}
		assertThat(keys()).isEqualTo(before);
	}

	@Test
	void oversizedRequestsAndBodiesAre413AndNothingIsStored() {
		Set<String> before = keys();
		String huge = "{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"" + receiver.url("/v") + "\",\"body\":\""
				+ "x".repeat(70_000) + "\"}";
		Reply tooLarge = client().send("POST", "/job", huge);
		assertThat(tooLarge.status()).isEqualTo(413);
		assertThat(tooLarge.json().get("data").get("field").asString()).isEqualTo("request");
		String big = huge.replace("x".repeat(70_000), "x".repeat(20_000));
		Reply bodyTooLarge = client().send("POST", "/job", big);
		assertThat(bodyTooLarge.status()).isEqualTo(413);
		assertThat(bodyTooLarge.json().get("message").asString()).startsWith("body must be at most 16384 bytes");
		assertThat(keys()).isEqualTo(before);
	}

}
