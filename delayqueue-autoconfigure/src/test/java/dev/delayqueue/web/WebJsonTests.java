package dev.delayqueue.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.SuccessContract;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Strict binding of request bodies to the request records, and the one translation of Jackson's errors into the
 * field and the rule; no server, no Redis.
 */
class WebJsonTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final String JOB = "{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,\"callback\":\"http://example.com/x\"";

	private static <T> T read(String json, Class<T> type) {
		return WebJson.read(json.getBytes(StandardCharsets.UTF_8), type);
	}

	private static InvalidJobException refused(String json) {
		return assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> read(json, JobPost.class).toRequest(NOW))
			.actual();
	}

	@Test
	void aJobBindsWithSnakeCaseNamesAndIgnoresUnknownFields() {
		JobRequest job = read(JOB + ",\"max_attempts\":3,\"if_absent\":true,\"run_at\":null,\"color\":\"blue\","
				+ "\"backoff\":{\"initial\":0.5},\"headers\":{\"X-A\":\"b\"},\"body\":{\"n\":1.0}}", JobPost.class)
			.toRequest(NOW);
		assertThat(job.maxAttempts()).isEqualTo(3);
		assertThat(job.ifAbsent()).isTrue();
		assertThat(job.dueAt(NOW)).isEqualTo(NOW.plusSeconds(1));
		assertThat(job.backoff().initialInterval()).hasMillis(500);
		assertThat(job.callback().method()).isEqualTo("PUT");
		assertThat(job.callback().headers()).containsEntry("X-A", "b");
		assertThat(WebJson.MAPPER.writeValueAsString(job.body())).isEqualTo("{\"topic\":\"a\",\"id\":\"1\",\"delay\":1,"
				+ "\"callback\":\"http://example.com/x\",\"body\":{\"n\":1.0},\"job_sign\":\"a-1\"}");
	}

	@Test
	void theDelayIsEchoedAsPosted() {
		assertThat(((JsonNode) read(JOB.replace("\"delay\":1", "\"delay\":1.5") + "}", JobPost.class).toRequest(NOW)
			.body()).get("delay").toString()).isEqualTo("1.5");
		assertThat(((JsonNode) read(JOB.replace("\"delay\":1", "\"delay\":1e1") + "}", JobPost.class).toRequest(NOW)
			.body()).get("delay").toString()).isEqualTo("10");
		assertThat(((JsonNode) read(JOB.replace("\"delay\":1", "\"run_at\":\"2030-01-01T00:00:00Z\"") + "}",
				JobPost.class).toRequest(NOW).body()).get("delay").asLong()).isEqualTo(1893456000L);
	}

	@Test
	void noScalarIsCoerced() {
		assertThat(refused(JOB.replace("\"a\"", "7") + "}")).hasMessage("topic must be a string, was 7");
		assertThat(refused(JOB.replace("\"a\"", "true") + "}")).hasMessage("topic must be a string, was boolean");
		assertThat(refused(JOB.replace("\"a\"", "{}") + "}")).hasMessage("topic must be a string, was object");
		assertThat(refused(JOB.replace("\"delay\":1", "\"delay\":\"10\"") + "}"))
			.hasMessage("delay must be a number, was string");
		assertThat(refused(JOB + ",\"max_attempts\":1.5}")).hasMessage("max_attempts must be a whole number, was 1.5");
		assertThat(refused(JOB + ",\"max_attempts\":\"3\"}"))
			.hasMessage("max_attempts must be a whole number, was string");
		assertThat(refused(JOB + ",\"max_attempts\":9223372036854775807}"))
			.hasMessage("max_attempts must be a whole number from -2147483648 to 2147483647, was out of range");
		assertThat(refused(JOB + ",\"if_absent\":\"yes\"}")).hasMessage("if_absent must be true or false, was string");
		assertThat(refused(JOB + ",\"if_absent\":1}")).hasMessage("if_absent must be true or false, was 1");
		assertThat(refused(JOB.replace("\"http://example.com/x\"", "[\"http://example.com/x\"]") + "}"))
			.hasMessage("callback must be a string, was array");
	}

	@Test
	void nestedFieldsAreNamedByTheirPath() {
		assertThat(refused(JOB + ",\"headers\":{\"X\":1}}")).hasMessage("headers.X must be a string, was 1");
		assertThat(refused(JOB + ",\"headers\":{\"X\":null}}")).hasMessage("headers.X must be a string, was null");
		assertThat(refused(JOB + ",\"headers\":3}")).hasMessage("headers must be an object, was number");
		assertThat(refused(JOB + ",\"backoff\":3}")).hasMessage("backoff must be an object, was number");
		assertThat(refused(JOB + ",\"backoff\":{\"initial\":\"1\"}}"))
			.hasMessage("backoff.initial must be a number, was string");
	}

	@Test
	void theBodyAsAWholeIsNamedRequest() {
		assertThat(refused("")).hasMessage("request body must be a JSON object, was empty");
		assertThat(refused("  ")).hasMessage("request body must be a JSON object, was empty");
		assertThat(refused("null")).hasMessage("request body must be a JSON object, was null");
		assertThat(refused("[1,2]")).hasMessage("request body must be a JSON object, was array");
		assertThat(refused("\"job\"")).hasMessage("request body must be a JSON object, was string");
		assertThat(refused("not json").getMessage()).startsWith("request body must be a JSON object: ");
		assertThat(refused(JOB + "} {}")).hasMessage("request body must be one JSON object, found more after it");
		assertThat(refused(JOB + "} x").field()).isEqualTo("request");
		assertThat(refused("{\"topic\":\"a\",\"topic\":\"b\"}").getMessage())
			.startsWith("request body must be a JSON object: Duplicate Object property \"topic\"");
		assertThat(refused(JOB + ",\"body\":{\"a\":1,\"a\":2}}").field()).isEqualTo("request");
	}

	@Test
	void theDomainRulesNameTheFieldsAsTheWireSpellsThem() {
		assertThat(refused("{\"id\":\"1\",\"delay\":1}")).hasMessage("topic is required");
		assertThat(refused(JOB.replace("\"delay\":1", "\"delay\":null") + "}").getMessage())
			.startsWith("delay is required");
		assertThat(refused(JOB + ",\"max_attempts\":0}")).hasMessage("max_attempts must be between 1 and 10000, was 0");
		assertThat(refused(JOB + ",\"backoff\":{\"initial\":10,\"max\":5}}"))
			.hasMessage("backoff.max must be between initial (PT10S) and PT168H, was PT5S");
		assertThat(refused(JOB + ",\"backoff\":{\"initial\":-1}}").field()).isEqualTo("backoff.initial");
		assertThat(refused(JOB + ",\"backoff\":{}}")).hasMessage("backoff.initial is required (seconds)");
		assertThat(refused(JOB + ",\"backoff\":{\"initial\":1,\"multiplier\":0.5}}").field())
			.isEqualTo("backoff.multiplier");
		assertThat(refused(JOB + ",\"run_at\":5}")).hasMessage("run_at must not be given together with delay");
	}

	@Test
	void anHttpQueueTaskBindsTheSameWay() {
		JobRequest task = read("{\"topic\":\"order\",\"delay\":15,\"retry\":3,\"callback\":\"http://example.com/\","
				+ "\"content\":\"hello\"}", CreateTask.class).toRequest("httpqueue", "id-1", NOW);
		assertThat(task.maxAttempts()).isEqualTo(4);
		assertThat(task.dueAt(NOW)).isEqualTo(NOW.plusSeconds(15));
		assertThat(WebJson.MAPPER.writeValueAsString(task.body()))
			.isEqualTo("{\"id\":\"id-1\",\"topic\":\"order\",\"content\":\"hello\"}");
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> read("{\"topic\":\"order\",\"delay\":\"15\"}", CreateTask.class))
			.withMessage("delay must be a number, was string");
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> read("{\"topic\":\"order\",\"delay\":1,\"retry\":101,\"callback\":\"http://e.com/\"}",
					CreateTask.class).toRequest("httpqueue", "id-1", NOW))
			.withMessage("retry must be between 0 and 100, was 101");
		assertThatExceptionOfType(InvalidJobException.class).isThrownBy(() -> read("{\"id\":5}", TaskId.class))
			.withMessage("id must be a string, was 5");
		assertThatExceptionOfType(InvalidJobException.class).isThrownBy(() -> read("{}", TaskId.class).checked())
			.withMessage("id is required");
	}

	@Test
	void answersAreWrittenFromRecordsInTheWireOrder() {
		Instant due = Instant.parse("2026-03-01T12:00:05.250Z");
		JobCallback callback = JobCallback.post("http://example.com/x").withMethod("PUT")
			.withSuccess(SuccessContract.BODY_OK);
		DelayedJob job = new DelayedJob("a", "1", JobState.PENDING, "{\"topic\":\"a\",\"id\":\"1\",\"delay\":5,"
				+ "\"callback\":\"http://example.com/x\",\"body\":{\"k\":true},\"job_sign\":\"a-1\"}", due, 0, null,
				NOW, NOW, null, callback, null);
		assertThat(WebJson.MAPPER.writeValueAsString(JobEnvelope.success("ok", JobView.of(job)))).isEqualTo(
				"{\"success\":1,\"message\":\"ok\",\"data\":{\"topic\":\"a\",\"id\":\"1\",\"delay\":5,"
						+ "\"callback\":\"http://example.com/x\",\"method\":\"PUT\",\"success\":\"ok\","
						+ "\"body\":{\"k\":true},\"job_sign\":\"a-1\",\"state\":\"pending\","
						+ "\"due_at\":\"2026-03-01T12:00:05.250Z\",\"attempts\":0,"
						+ "\"created_at\":\"2026-03-01T12:00:00Z\",\"updated_at\":\"2026-03-01T12:00:00Z\"}}");
		DelayedJob local = new DelayedJob("a", "2", JobState.DEAD, null, due, 3, 3, NOW, NOW, "boom", null, null);
		assertThat(WebJson.MAPPER.writeValueAsString(JobView.of(local))).isEqualTo("{\"topic\":\"a\",\"id\":\"2\","
				+ "\"delay\":1772366405,\"body\":null,\"job_sign\":\"a-2\",\"state\":\"dead\","
				+ "\"due_at\":\"2026-03-01T12:00:05.250Z\",\"attempts\":3,\"max_attempts\":3,"
				+ "\"created_at\":\"2026-03-01T12:00:00Z\",\"updated_at\":\"2026-03-01T12:00:00Z\","
				+ "\"last_error\":\"boom\"}");
		assertThat(WebJson.MAPPER.writeValueAsString(JobEnvelope.failure(new WebError(HttpStatus.BAD_REQUEST,
				"topic must not be empty", "topic"))))
			.isEqualTo("{\"success\":0,\"message\":\"topic must not be empty\",\"data\":{\"field\":\"topic\"}}");
		DelayedJob task = new DelayedJob("httpqueue", "t", JobState.PENDING,
				"{\"id\":\"t\",\"topic\":\"order\",\"content\":\"hello\"}", due, 2, 4, NOW, NOW, null,
				JobCallback.post("http://example.com/"), null);
		assertThat(WebJson.MAPPER.writeValueAsString(TaskView.of(task))).isEqualTo("{\"id\":\"t\",\"topic\":\"order\","
				+ "\"execute_time\":1772366405,\"max_retry\":3,\"has_retry\":1,\"callback\":\"http://example.com/\","
				+ "\"content\":\"hello\",\"creat_time\":1772366400}");
		assertThat(WebJson.MAPPER.writeValueAsString(new TaskAnswer.Created("t"))).isEqualTo("{\"id\":\"t\"}");
		assertThat(WebJson.MAPPER.writeValueAsString(new TaskAnswer.Deleted())).isEqualTo("{}");
		assertThat(WebJson.MAPPER.writeValueAsString(new TaskAnswer.Failed("no"))).isEqualTo("{\"error\":\"no\"}");
	}

}
