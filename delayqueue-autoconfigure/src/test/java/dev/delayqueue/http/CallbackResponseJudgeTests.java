package dev.delayqueue.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobState;
import dev.delayqueue.SuccessContract;
import dev.delayqueue.http.CallbackResponseJudge.Verdict;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What answers mean under each success contract, judged from status, headers and body alone (no I/O).
 */
class CallbackResponseJudgeTests {

	private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

	private static final String TARGET = "POST https://api.example.com/hook";

	private static final Duration SLOW_DOWN_DELAY = Duration.ofSeconds(10);

	private final CallbackResponseJudge judge = new CallbackResponseJudge(SLOW_DOWN_DELAY,
			new RetryAfterParser(Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC)), new JsonMapper());

	private static DelayedJob job(int attempts, Backoff backoff) {
		return new DelayedJob("t", "1", JobState.IN_FLIGHT, "{}", NOW, attempts, null, NOW, NOW, null,
				JobCallback.post("https://api.example.com/hook"), backoff);
	}

	private Verdict judge(SuccessContract contract, int status, String body) {
		return judge(contract, status, new HttpHeaders(), body);
	}

	private Verdict judge(SuccessContract contract, int status, HttpHeaders headers, String body) {
		return this.judge.judge(job(1, null), contract, TARGET, status, headers, body);
	}

	private static HttpHeaders retryAfter(String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set("Retry-After", value);
		return headers;
	}

	@Test
	void anyStatus2xxIsDeliveredUnderTheStatusContractWithoutReadingTheBody() {
		assertThat(this.judge.needsBody(200, SuccessContract.STATUS_2XX)).isFalse();
		assertThat(this.judge.needsBody(299, SuccessContract.STATUS_2XX)).isFalse();
		assertThat(judge(SuccessContract.STATUS_2XX, 204, "")).isEqualTo(Verdict.delivered());
		assertThat(judge(SuccessContract.STATUS_2XX, 299, "anything")).isEqualTo(Verdict.delivered());
	}

	@Test
	void theBodyIsReadForFailuresAndForTheBodyContracts() {
		assertThat(this.judge.needsBody(500, SuccessContract.STATUS_2XX)).isTrue();
		assertThat(this.judge.needsBody(503, SuccessContract.STATUS_2XX)).isTrue();
		assertThat(this.judge.needsBody(200, SuccessContract.BODY_OK)).isTrue();
		assertThat(this.judge.needsBody(200, SuccessContract.CODE_100)).isTrue();
	}

	@Test
	void statusesOutside2xxFailNamingTheStatusTheTargetAndTheAnswer() {
		assertThat(judge(SuccessContract.STATUS_2XX, 500, "database\n  down"))
			.isEqualTo(Verdict.failed("HTTP 500 from " + TARGET + ": database down"));
		assertThat(judge(SuccessContract.STATUS_2XX, 302, "")).isEqualTo(Verdict.failed("HTTP 302 from " + TARGET));
		assertThat(judge(SuccessContract.STATUS_2XX, 199, " ")).isEqualTo(Verdict.failed("HTTP 199 from " + TARGET));
		assertThat(judge(SuccessContract.BODY_OK, 500, "ok")).isEqualTo(Verdict.failed("HTTP 500 from " + TARGET
				+ ": ok"));
	}

	@Test
	void longAnswersAreCutInTheMessage() {
		Verdict verdict = judge(SuccessContract.STATUS_2XX, 500, "x".repeat(300));
		assertThat(verdict).isEqualTo(Verdict.failed("HTTP 500 from " + TARGET + ": " + "x".repeat(200) + "..."));
	}

	@Test
	void tooManyRequestsSlowsDownForRetryAfterWithoutReadingTheBodyUnderEveryContract() {
		for (SuccessContract contract : SuccessContract.values()) {
			assertThat(this.judge.needsBody(429, contract)).isFalse();
			assertThat(judge(contract, 429, retryAfter("30"), ""))
				.isEqualTo(Verdict.slowDown(Duration.ofSeconds(30), "HTTP 429 Too Many Requests from " + TARGET));
		}
	}

	@Test
	void tooManyRequestsWithoutRetryAfterWaitsTheJobsBackoffForItsAttemptOrElseTheSlowDownDelay() {
		Backoff backoff = new Backoff(Duration.ofSeconds(2), 3.0, Duration.ofMinutes(1));
		assertThat(this.judge.judge(job(0, backoff), SuccessContract.STATUS_2XX, TARGET, 429, new HttpHeaders(), ""))
			.isEqualTo(Verdict.slowDown(Duration.ofSeconds(2), "HTTP 429 Too Many Requests from " + TARGET));
		assertThat(this.judge.judge(job(3, backoff), SuccessContract.STATUS_2XX, TARGET, 429, new HttpHeaders(), ""))
			.isEqualTo(Verdict.slowDown(Duration.ofSeconds(18), "HTTP 429 Too Many Requests from " + TARGET));
		assertThat(judge(SuccessContract.STATUS_2XX, 429, ""))
			.isEqualTo(Verdict.slowDown(SLOW_DOWN_DELAY, "HTTP 429 Too Many Requests from " + TARGET));
	}

	@Test
	void aSlowDownWaitsAtLeastOneSecondSoAReceiverAnsweringRetryAfterZeroIsNotCalledInALoop() {
		assertThat(judge(SuccessContract.STATUS_2XX, 429, retryAfter("0"), ""))
			.isEqualTo(Verdict.slowDown(Duration.ofSeconds(1), "HTTP 429 Too Many Requests from " + TARGET));
		Backoff immediate = new Backoff(Duration.ZERO, 1.0, Duration.ZERO);
		assertThat(this.judge.judge(job(1, immediate), SuccessContract.STATUS_2XX, TARGET, 429, new HttpHeaders(), ""))
			.isEqualTo(Verdict.slowDown(Duration.ofSeconds(1), "HTTP 429 Too Many Requests from " + TARGET));
	}

	@Test
	void unavailableWithRetryAfterIsRetriedThenButWithoutItFails() {
		assertThat(judge(SuccessContract.STATUS_2XX, 503, retryAfter("Wed, 01 Jan 2025 00:00:45 GMT"), "busy"))
			.isEqualTo(Verdict.unavailable(Duration.ofSeconds(45), "HTTP 503 from " + TARGET + ": busy"));
		assertThat(judge(SuccessContract.STATUS_2XX, 503, retryAfter("0"), ""))
			.isEqualTo(Verdict.unavailable(Duration.ZERO, "HTTP 503 from " + TARGET));
		assertThat(judge(SuccessContract.STATUS_2XX, 503, retryAfter("later"), ""))
			.isEqualTo(Verdict.failed("HTTP 503 from " + TARGET));
		assertThat(judge(SuccessContract.STATUS_2XX, 503, "")).isEqualTo(Verdict.failed("HTTP 503 from " + TARGET));
		assertThat(judge(SuccessContract.STATUS_2XX, 500, retryAfter("5"), ""))
			.isEqualTo(Verdict.failed("HTTP 500 from " + TARGET));
	}

	@Test
	void okContractNeedsTheAnswerOkAroundWhitespace() {
		assertThat(judge(SuccessContract.BODY_OK, 200, " ok\n")).isEqualTo(Verdict.delivered());
		assertThat(judge(SuccessContract.BODY_OK, 200, "not yet"))
			.isEqualTo(Verdict.failed("Expected the answer 'ok' from " + TARGET + ", got 'not yet'"));
		assertThat(judge(SuccessContract.BODY_OK, 200, "OK"))
			.isEqualTo(Verdict.failed("Expected the answer 'ok' from " + TARGET + ", got 'OK'"));
		assertThat(judge(SuccessContract.BODY_OK, 200, ""))
			.isEqualTo(Verdict.failed("Expected the answer 'ok' from " + TARGET + ", got ''"));
	}

	@Test
	void codeContractDeliversOnCode100() {
		assertThat(judge(SuccessContract.CODE_100, 200, "{\"code\":100}")).isEqualTo(Verdict.delivered());
		assertThat(judge(SuccessContract.CODE_100, 200, "{\"msg\":\"fine\", \"code\": 100}"))
			.isEqualTo(Verdict.delivered());
	}

	@Test
	void codeContract101SlowsDownWithoutSpendingAnAttempt() {
		assertThat(judge(SuccessContract.CODE_100, 200, "{\"code\":101}"))
			.isEqualTo(Verdict.slowDown(SLOW_DOWN_DELAY, "Code 101 (too many requests) from " + TARGET));
		assertThat(judge(SuccessContract.CODE_100, 200, retryAfter("3"), "{\"code\":101}"))
			.isEqualTo(Verdict.slowDown(Duration.ofSeconds(3), "Code 101 (too many requests) from " + TARGET));
	}

	@Test
	void codeContractFailsOnAnyOtherAnswer() {
		for (String body : new String[] { "{\"code\":500}", "{\"code\":\"100\"}", "{\"code\":100.5}", "[100]", "100",
				"not json", "", "{}" }) {
			assertThat(judge(SuccessContract.CODE_100, 200, body)).as(body)
				.isEqualTo(Verdict.failed("Expected {\"code\":100} from " + TARGET + ", got '" + body + "'"));
		}
	}

}
