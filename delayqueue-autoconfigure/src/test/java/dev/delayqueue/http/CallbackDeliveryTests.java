package dev.delayqueue.http;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.Backoff;
import dev.delayqueue.CallbackReceiver.Answer;
import dev.delayqueue.CallbackReceiver.Call;
import dev.delayqueue.CallbackReceiver;
import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.SuccessContract;
import dev.delayqueue.TestRedis;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.autoconfigure.DelayQueueHttpAutoConfiguration;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Jobs with a callback delivered end to end: a real Spring context, a real Redis server, a real HTTP receiver.
 * Each test asserts the attempts the receiver saw, their intervals and the job's final state.
 */
class CallbackDeliveryTests {

	private static final String SECRET = "0123456789abcdef-secret";

	private CallbackReceiver receiver;

	private ApplicationContextRunner runner;

	private String prefix;

	@BeforeEach
	void setUp() {
		this.prefix = TestRedis.uniquePrefix();
		this.receiver = new CallbackReceiver((call) -> Answer.of(200, ""));
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					WebClientAutoConfiguration.class, DelayQueueAutoConfiguration.class,
					DelayQueueHttpAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
					"delayqueue.redis.key-prefix=" + this.prefix, "delayqueue.http.timeout=500ms",
					"delayqueue.http.signing-secret=" + SECRET, "delayqueue.worker.shutdown-timeout=2s");
	}

	@AfterEach
	void tearDown() {
		this.receiver.close();
	}

	private void run(Consumer<DelayQueue> test, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			test.accept(context.getBean(DelayQueue.class));
			((ConfigurableApplicationContext) context).close();
		});
	}

	private static JobRequest.Builder job(String id, JobCallback callback) {
		return JobRequest.builder("hooks", id).delay(Duration.ZERO).body(Map.of("id", id)).callback(callback);
	}

	private JobCallback callback(String path, SuccessContract success) {
		return JobCallback.post(this.receiver.url(path)).withSuccess(success);
	}

	private static DelayedJob awaitState(DelayQueue queue, String id, JobState state) {
		await().atMost(15, TimeUnit.SECONDS)
			.until(() -> queue.get("hooks", id).map(DelayedJob::state).orElse(null) == state);
		return queue.get("hooks", id).orElseThrow();
	}

	private static void awaitGone(DelayQueue queue, String id) {
		await().atMost(15, TimeUnit.SECONDS).until(() -> queue.get("hooks", id).isEmpty());
	}

	@Test
	void deliversOnTimeWithHeadersNamingTheJobAndAVerifiableSignature() {
		run((queue) -> {
			Instant start = Instant.now().plusMillis(500);
			List<JobRequest> jobs = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				jobs.add(JobRequest.builder("hooks", "j" + i)
					.at(start.plusMillis(20L * i))
					.body(Map.of("n", i))
					.callback(callback("/hook", SuccessContract.STATUS_2XX).withMethod("PUT")
						.withHeaders(Map.of("Authorization", "Bearer receiver-token")))
					.build());
			}
			queue.scheduleAll(jobs);
			await().atMost(10, TimeUnit.SECONDS).until(() -> this.receiver.calls().size() == 50);
			CallbackSignature signature = new CallbackSignature(SECRET);
			List<Long> lateness = new ArrayList<>();
			for (Call call : this.receiver.calls()) {
				assertThat(call.method()).isEqualTo("PUT");
				assertThat(call.header("Authorization")).isEqualTo("Bearer receiver-token");
				assertThat(call.header(CallbackHeaders.TOPIC)).isEqualTo("hooks");
				assertThat(call.header(CallbackHeaders.ATTEMPT)).isEqualTo("1");
				assertThat(call.header("Content-Type")).startsWith("application/json");
				int n = Integer.parseInt(call.header(CallbackHeaders.ID).substring(1));
				assertThat(call.bodyText()).isEqualTo("{\"n\":" + n + "}");
				assertThat(signature.verify(call.header(CallbackHeaders.TIMESTAMP), call.header(CallbackHeaders.SIGNATURE),
						call.body(), Instant.now(), Duration.ofMinutes(5)))
					.isTrue();
				assertThat(signature.verify(call.header(CallbackHeaders.TIMESTAMP), call.header(CallbackHeaders.SIGNATURE),
						"{\"n\":-1}".getBytes(), Instant.now(), Duration.ofMinutes(5)))
					.isFalse();
				lateness.add(call.at() - start.plusMillis(20L * n).toEpochMilli());
			}
			lateness.sort(null);
			assertThat(lateness.get(0)).isGreaterThanOrEqualTo(0);
			assertThat(lateness.get(lateness.size() / 2)).as("median lateness (ms) of %s", lateness).isLessThan(50);
			await().atMost(5, TimeUnit.SECONDS).until(() -> queue.stats("hooks").inFlight() == 0);
			assertThat(queue.stats("hooks").pending()).isZero();
		});
	}

	@Test
	void okContract_anythingButOkIsRetriedWithTheJobsBackoffUntilOk() {
		AtomicInteger calls = new AtomicInteger();
		this.receiver.answer((call) -> Answer.of(200, (calls.incrementAndGet() < 3) ? "not yet" : " ok\n"));
		run((queue) -> {
			queue.schedule(job("a", callback("/seed1", SuccessContract.BODY_OK))
				.backoff(new Backoff(Duration.ofMillis(300), 2.0, Duration.ofSeconds(5)))
				.build());
			awaitGone(queue, "a");
			List<Call> received = this.receiver.calls("/seed1");
			assertThat(received).extracting((c) -> c.header(CallbackHeaders.ATTEMPT)).containsExactly("1", "2", "3");
			long first = received.get(1).at() - received.get(0).at();
			long second = received.get(2).at() - received.get(1).at();
			assertThat(first).isBetween(300L, 800L);
			assertThat(second).isBetween(600L, 1_100L);
		});
	}

	@Test
	void codeContract_101SlowsDownWithoutSpendingAnAttemptAndOtherCodesFail() {
		AtomicInteger calls = new AtomicInteger();
		this.receiver.answer((call) -> switch (call.path()) {
			case "/busy" -> Answer.of(200, (calls.incrementAndGet() == 1) ? "{\"code\":101}" : "{\"code\":100}");
			default -> Answer.of(200, "{\"code\":500}");
		});
		run((queue) -> {
			Backoff backoff = new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1));
			queue.schedule(job("busy", callback("/busy", SuccessContract.CODE_100)).maxAttempts(1)
				.backoff(backoff).build());
			queue.schedule(job("fails", callback("/fails", SuccessContract.CODE_100)).maxAttempts(2)
				.backoff(backoff).build());
			awaitGone(queue, "busy");
			List<Call> busy = this.receiver.calls("/busy");
			assertThat(busy).extracting((c) -> c.header(CallbackHeaders.ATTEMPT)).containsExactly("1", "1");
			assertThat(busy.get(1).at() - busy.get(0).at()).isGreaterThanOrEqualTo(200L);
			DelayedJob dead = awaitState(queue, "fails", JobState.DEAD);
			assertThat(this.receiver.calls("/fails")).hasSize(2);
			assertThat(dead.attempts()).isEqualTo(2);
			assertThat(dead.lastError()).contains("Expected {\"code\":100}").contains("{\"code\":500}");
		});
	}

	@Test
	void serverErrorsEndInTheDeadStateAndRedriveDeliversAgain() {
		this.receiver.answer((call) -> Answer.of(500, "database down"));
		run((queue) -> {
			queue.schedule(job("e", callback("/hook", SuccessContract.STATUS_2XX)).maxAttempts(3)
				.backoff(new Backoff(Duration.ofMillis(100), 1.0, Duration.ofMillis(100)))
				.build());
			DelayedJob dead = awaitState(queue, "e", JobState.DEAD);
			assertThat(this.receiver.calls()).hasSize(3);
			assertThat(dead.lastError()).contains("HTTP 500 from POST " + this.receiver.url("/hook"))
				.contains("database down");
			assertThat(queue.deadJobs("hooks", 0, 10)).extracting(DelayedJob::id).containsExactly("e");
			this.receiver.answer((call) -> Answer.of(204, ""));
			assertThat(queue.redrive("hooks", "e")).isTrue();
			awaitGone(queue, "e");
			assertThat(this.receiver.calls()).hasSize(4);
			assertThat(this.receiver.calls().get(3).header(CallbackHeaders.ATTEMPT)).isEqualTo("1");
		});
	}

	@Test
	void refusedConnectionsAndTimeoutsAreFailedAttempts() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.receiver.answer((call) -> Answer.of(200, "").after(1_500));
		int port = closedPort;
		run((queue) -> {
			Backoff quick = new Backoff(Duration.ofMillis(100), 1.0, Duration.ofMillis(100));
			queue.schedule(job("refused", JobCallback.post("http://127.0.0.1:" + port + "/x")).maxAttempts(2)
				.backoff(quick).build());
			queue.schedule(job("slow", callback("/slow", SuccessContract.STATUS_2XX)).maxAttempts(1).build());
			DelayedJob refused = awaitState(queue, "refused", JobState.DEAD);
			assertThat(refused.attempts()).isEqualTo(2);
			assertThat(refused.lastError()).contains("Could not reach POST http://127.0.0.1:" + port + "/x");
			DelayedJob slow = awaitState(queue, "slow", JobState.DEAD);
			assertThat(slow.lastError()).contains("No answer from POST " + this.receiver.url("/slow"))
				.contains("PT0.5S");
			assertThat(this.receiver.calls("/slow")).hasSize(1);
		});
	}

	@Test
	void retryAfterIsHonoured_429DoesNotSpendAnAttempt_503Does() {
		AtomicInteger calls = new AtomicInteger();
		this.receiver.answer((call) -> {
			if (call.path().equals("/throttled")) {
				return (calls.incrementAndGet() == 1) ? Answer.of(429, "").withHeader("Retry-After", "1")
						: Answer.of(200, "");
			}
			if (call.path().equals("/zero")) {
				return (this.receiver.calls("/zero").size() == 1) ? Answer.of(429, "").withHeader("Retry-After", "0")
						: Answer.of(200, "");
			}
			return Answer.of(503, "").withHeader("Retry-After", "1");
		});
		run((queue) -> {
			queue.schedule(job("throttled", callback("/throttled", SuccessContract.STATUS_2XX)).maxAttempts(1).build());
			queue.schedule(job("unavailable", callback("/unavailable", SuccessContract.STATUS_2XX)).maxAttempts(2)
				.build());
			queue.schedule(job("zero", callback("/zero", SuccessContract.STATUS_2XX)).maxAttempts(1).build());
			awaitGone(queue, "throttled");
			awaitGone(queue, "zero");
			List<Call> zero = this.receiver.calls("/zero");
			assertThat(zero).hasSize(2);
			assertThat(zero.get(1).at() - zero.get(0).at()).as("Retry-After: 0 still waits").isGreaterThanOrEqualTo(1_000L);
			List<Call> throttled = this.receiver.calls("/throttled");
			assertThat(throttled).hasSize(2);
			assertThat(throttled.get(1).at() - throttled.get(0).at()).isBetween(1_000L, 2_000L);
			DelayedJob dead = awaitState(queue, "unavailable", JobState.DEAD);
			List<Call> unavailable = this.receiver.calls("/unavailable");
			assertThat(unavailable).hasSize(2);
			assertThat(unavailable.get(1).at() - unavailable.get(0).at()).isBetween(1_000L, 2_000L);
			assertThat(dead.lastError()).contains("HTTP 503");
		});
	}

	@Test
	void callbacksToOneHostRunAtMostMaxConcurrencyPerHostAtOnce() {
		this.receiver.answer((call) -> Answer.of(200, "").after(200));
		run((queue) -> {
			List<JobRequest> jobs = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				jobs.add(job("c" + i, callback("/slow", SuccessContract.STATUS_2XX)).build());
			}
			queue.scheduleAll(jobs);
			await().atMost(10, TimeUnit.SECONDS).until(() -> this.receiver.calls().size() == 8);
			await().atMost(5, TimeUnit.SECONDS).until(() -> queue.stats("hooks").inFlight() == 0);
			assertThat(this.receiver.maxRunning()).isEqualTo(2);
		}, "delayqueue.http.max-concurrency-per-host=2");
	}

	@Test
	void atShutdownCallbacksWaitingForASlotAreReleasedAndTheRunningOneFinishes() {
		this.receiver.answer((call) -> Answer.of(200, "").after(300));
		run((queue) -> {
			List<JobRequest> jobs = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				jobs.add(job("s" + i, callback("/slow", SuccessContract.STATUS_2XX)).build());
			}
			queue.scheduleAll(jobs);
			await().atMost(5, TimeUnit.SECONDS).until(() -> this.receiver.calls().size() == 1);
		}, "delayqueue.http.max-concurrency-per-host=1");
		// the context is closed: one call finished and was recorded, two never started and are pending again
		assertThat(this.receiver.calls()).hasSize(1);
		LettuceConnectionFactory factory = TestRedis.connectionFactory();
		try {
			RedisJobStore store = new RedisJobStore(new StringRedisTemplate(factory), new JobKeys(this.prefix));
			assertThat(store.stats("hooks").pending()).isEqualTo(2);
			assertThat(store.stats("hooks").inFlight()).isZero();
			String done = this.receiver.calls().get(0).header(CallbackHeaders.ID);
			assertThat(store.get("hooks", done)).isEmpty();
			for (int i = 0; i < 3; i++) {
				store.get("hooks", "s" + i).ifPresent((job) -> assertThat(job.attempts()).isZero());
			}
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void anAnswerLargerThanTheCapIsAFailure() {
		this.receiver.answer((call) -> Answer.of(200, "ok" + " ".repeat(5_000)));
		run((queue) -> {
			queue.schedule(job("big", callback("/big", SuccessContract.BODY_OK)).maxAttempts(1).build());
			DelayedJob dead = awaitState(queue, "big", JobState.DEAD);
			assertThat(dead.lastError()).contains("larger than delayqueue.http.max-response-size (1024 bytes)");
		}, "delayqueue.http.max-response-size=1KB");
	}

	@Test
	void hostsOutsideTheAllowListAreRefusedWhenScheduledAndNothingIsStored() {
		run((queue) -> {
			assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> queue.schedule(job("x", callback("/x", SuccessContract.STATUS_2XX)).build()))
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("callback"))
				.withMessageContaining("host '127.0.0.1' is not in delayqueue.http.allowed-hosts");
			assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> queue.schedule(job("m", JobCallback.post("http://169.254.169.254/latest")).build()))
				.withMessageContaining("link-local or cloud metadata");
			queue.schedule(job("ok", JobCallback.post("https://api.example.com/hook")).delay(Duration.ofHours(1))
				.build());
			assertThat(queue.get("hooks", "x")).isEmpty();
			assertThat(queue.get("hooks", "m")).isEmpty();
			assertThat(queue.get("hooks", "ok")).map(DelayedJob::callback)
				.map((c) -> c.url().toString())
				.isEqualTo(Optional.of("https://api.example.com/hook"));
		}, "delayqueue.http.allowed-hosts=*.example.com");
	}

}
