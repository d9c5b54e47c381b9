package dev.delayqueue.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobRequest;
import dev.delayqueue.SuccessContract;
import dev.delayqueue.embedded.RedisServerProcess;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Callback jobs against a receiver that is down, then slow, then lying, then healthy: retries with backoff, dead
 * after the last attempt, redrive delivers the rest; nothing lost.
 */
class CallbackFaultTests {

	@TempDir
	Path dir;

	@Test
	void aReceiverDownSlowAndLyingGetsEveryJobInTheEndThroughRetriesAndRedrive() throws Exception {
		int n = FaultSupport.size(300, 3_000);
		// bound from the start (a port given up and bound again later can be taken meanwhile); "down" closes every
		// connection without an answer
		HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
		receiver.setExecutor(Executors.newFixedThreadPool(32));
		int port = receiver.getAddress().getPort();
		AtomicBoolean down = new AtomicBoolean(true);
		AtomicBoolean fixed = new AtomicBoolean();
		Map<String, Integer> successes = new ConcurrentHashMap<>();
		AtomicLong calls = new AtomicLong();
		AtomicLong phaseStart = new AtomicLong();
		try (RedisServerProcess redis = FaultSupport.redis(this.dir.resolve("redis"), false);
				ConfigurableApplicationContext context = application(redis.port())) {
			DelayQueue queue = context.getBean(DelayQueue.class);
			Set<String> scheduled = new LinkedHashSet<>();
			List<JobRequest> jobs = new ArrayList<>();
			Instant start = Instant.now().plusMillis(500);
			for (int i = 0; i < n; i++) {
				String id = "cb" + i;
				scheduled.add(id);
				// every tenth job goes to a path that keeps failing until it is fixed: those end dead and are redriven
				String path = (i % 10 == 0) ? "/broken" : "/hook";
				jobs.add(JobRequest.builder("hooks", id)
					.at(start.plusMillis(2_000L * i / n))
					.body(Map.of("i", i))
					.callback(JobCallback.post("http://127.0.0.1:" + port + path).withSuccess(SuccessContract.CODE_100))
					.backoff(new Backoff(Duration.ofMillis(500), 1.5, Duration.ofSeconds(2)))
					.maxAttempts(5)
					.build());
			}
			receiver.createContext("/", (exchange) -> {
				calls.incrementAndGet();
				byte[] body = exchange.getRequestBody().readAllBytes();
				if (down.get()) {
					exchange.close(); // no answer at all
					return;
				}
				String id = exchange.getRequestHeaders().getFirst("X-DelayQueue-Id");
				long phase = (System.currentTimeMillis() - phaseStart.get()) / 2_000;
				String answer;
				int status = 200;
				if (exchange.getRequestURI().getPath().equals("/broken") && !fixed.get()) {
					status = 500;
					answer = "broken";
				}
				else if (phase == 0) {
					sleep(1_500); // slower than the 1 s timeout
					answer = "{\"code\":100}";
				}
				else if (phase == 1) {
					status = (body.length % 2 == 0) ? 500 : 200;
					answer = (status == 500) ? "oops" : "{\"code\":7}"; // lying: 200 with the wrong code
				}
				else if (phase == 2) {
					answer = "{\"code\":101}"; // too many requests: slow down, no attempt spent
				}
				else {
					answer = "{\"code\":100}";
				}
				byte[] bytes = answer.getBytes();
				exchange.sendResponseHeaders(status, bytes.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(bytes);
				}
				catch (IOException ex) {
					return; // the dispatcher gave up (timeout)
				}
				// phase 0 answers after the client gave up: a write that seems to succeed there is not a delivery
				if (status == 200 && answer.equals("{\"code\":100}") && phase != 0 && id != null) {
					successes.merge(id, 1, Integer::sum);
				}
			});
			receiver.start();
			queue.scheduleAll(jobs);
			// 0-3 s: every connection is closed without an answer
			WorkerProcess.sleep(3_000);
			phaseStart.set(System.currentTimeMillis());
			down.set(false);
			try {
				FaultSupport.await(() -> successes.size() + queue.stats("hooks").dead() >= n, Duration.ofSeconds(120),
						"every job delivered or dead");
				long dead = queue.stats("hooks").dead();
				fixed.set(true);
				long redriven = queue.redriveAll("hooks");
				FaultSupport.await(() -> successes.size() == n, Duration.ofSeconds(60), "every job delivered");
				FaultSupport.await(() -> queue.stats("hooks").inFlight() == 0, Duration.ofSeconds(10), "acks");
				long duplicates = successes.values().stream().mapToLong((v) -> v - 1).sum();
				FaultSupport.write(String.format("| Callback receiver silent 3 s, slow, 500/wrong code, 101, then ok; 1 in 10 "
						+ "to a path failing until fixed | %,d | "
						+ "%,d | %d | %d | %d before redrive | - | %,d calls; max 5 attempts, backoff 0.5 s x1.5; "
						+ "redrive delivered the %d dead |", n, successes.size(), n - successes.size(), duplicates, dead,
						calls.get(), redriven));
				assertThat(successes.keySet()).containsExactlyInAnyOrderElementsOf(scheduled);
				assertThat(duplicates).isZero();
				assertThat(dead).as("jobs dead after their last attempt").isGreaterThanOrEqualTo(n / 10);
				assertThat(redriven).isEqualTo(dead);
				FaultSupport.assertNoOrphans(context.getBean(StringRedisTemplate.class), "cbfaults", true);
			}
			finally {
				receiver.stop(0);
			}
		}
	}

	private static ConfigurableApplicationContext application(int redisPort) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run("--spring.data.redis.port=" + redisPort, "--delayqueue.redis.key-prefix=cbfaults",
				"--delayqueue.http.timeout=1s", "--logging.level.root=WARN", "--delayqueue.worker.shutdown-timeout=2s");
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
