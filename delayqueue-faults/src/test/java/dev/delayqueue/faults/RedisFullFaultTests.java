package dev.delayqueue.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayQueueFullException;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.delayqueue.faults.FaultSupport.size;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A full Redis ({@code maxmemory} reached, {@code noeviction}) under a running application: new jobs are refused at
 * once with an error that says so (an exception, {@code 503} on {@code /job}), while delivery (claims, heartbeats of
 * a handler longer than its lease, acknowledgements), cancel and purge go on and free memory; nothing accepted is
 * lost. And an evicting {@code maxmemory-policy}: a warning at startup, or a failed startup when required.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisFullFaultTests {

	@TempDir
	Path dir;

	@Test
	void redisFull_newJobsRefusedAtOnceWhileDeliveryCancelAndPurgeGoOn() throws Exception {
		Handler.reset();
		try (RedisServerProcess redis = FaultSupport.redis(this.dir.resolve("redis"), false);
				ConfigurableApplicationContext context = new SpringApplication(Server.class).run("--server.port=0",
						"--spring.data.redis.port=" + redis.port(), "--delayqueue.web.enabled=true",
						"--delayqueue.redis.key-prefix=full", "--delayqueue.topics.full.lease=1s",
						"--delayqueue.topics.full.concurrency=8", "--delayqueue.worker.poll-interval=200ms",
						"--logging.level.root=WARN", "--logging.level.dev.delayqueue.worker=ERROR")) {
			DelayQueue queue = context.getBean(DelayQueue.class);
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			int n = size(300, 3_000);
			Instant start = Instant.now().plusSeconds(3);
			List<JobRequest> due = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				due.add(JobRequest.builder("full", "due-" + i).at(start.plusMillis(2_000L * i / n)).build());
			}
			queue.scheduleAll(due);
			queue.schedule(JobRequest.builder("full", "long-1").delay(Duration.ZERO).build());
			queue.schedule(JobRequest.builder("full", "cancel-me").delay(Duration.ofHours(1)).build());
			queue.schedule(JobRequest.builder("fail", "dead-1").delay(Duration.ZERO).build());
			FaultSupport.await(() -> queue.get("fail", "dead-1").map((job) -> job.state() == JobState.DEAD).orElse(false),
					Duration.ofSeconds(10), "dead-1 dead");
			FaultSupport.await(() -> Handler.started.contains("long-1"), Duration.ofSeconds(10), "long-1 started");

			config(template, "maxmemory", "1");
			assertThatExceptionOfType(DelayQueueFullException.class)
				.isThrownBy(() -> queue.schedule(JobRequest.builder("full", "refused").delay(Duration.ZERO).build()))
				.withMessageContaining("Redis is full")
				.withMessageContaining("OOM command not allowed");
			HttpResponse<String> job = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/job"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"web\",\"id\":\"1\",\"delay\":1,"
							+ "\"callback\":\"http://127.0.0.1:9/x\"}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(job.statusCode()).isEqualTo(503);
			assertThat(job.body()).contains("Redis is full");
			assertThat(queue.get("full", "refused")).as("refused scheduling wrote nothing").isEmpty();
			assertThat(queue.get("web", "1")).isEmpty();
			assertThat(queue.cancel("full", "cancel-me")).as("cancel on a full Redis").isTrue();
			assertThat(queue.purge("fail", "dead-1")).as("purge on a full Redis").isTrue();

			Set<String> expected = IntStream.range(0, n).mapToObj((i) -> "due-" + i).collect(Collectors.toSet());
			expected.add("long-1");
			FaultSupport.await(() -> Handler.done.keySet().containsAll(expected), Duration.ofSeconds(30),
					"every accepted job delivered on the full Redis");
			FaultSupport.await(() -> queue.stats("full").inFlight() == 0 && queue.stats("full").pending() == 0,
					Duration.ofSeconds(10), "acknowledged on the full Redis");
			long duplicates = Handler.done.values().stream().mapToInt(AtomicInteger::get).filter((c) -> c > 1).count();
			assertThat(duplicates).as("deliveries twice (the long handler's heartbeats ran on the full Redis)").isZero();
			assertThat(Handler.done.get("long-1")).hasValue(1);
			long lateness = Handler.worstLateness;

			config(template, "maxmemory", "0");
			queue.schedule(JobRequest.builder("full", "after").delay(Duration.ZERO).build());
			FaultSupport.await(() -> Handler.done.containsKey("after"), Duration.ofSeconds(10), "scheduling again");
			String notes = "maxmemory set to 1 byte after scheduling; schedule refused at once (DelayQueueFullException,"
					+ " /job 503, nothing written), cancel and purge ran, long handler (3 s, lease 1 s) kept its lease, "
					+ "worst lateness " + lateness + " ms";
			FaultSupport.write(String.format("| Redis full (maxmemory reached, noeviction) | %,d | %,d | 0 | %d | 0 | "
					+ "%,d ms | %s |", n + 1, Handler.done.size() - 1, duplicates, lateness, notes));
		}
	}

	@Test
	void anEvictingPolicyIsAWarningOrAFailedStartupWhenRequired(CapturedOutput output) {
		try (RedisServerProcess redis = FaultSupport.redis(this.dir.resolve("lru"), false)) {
			try (ConfigurableApplicationContext context = new SpringApplication(Server.class).run("--server.port=0",
					"--spring.data.redis.port=" + redis.port(), "--delayqueue.worker.enabled=false",
					"--delayqueue.redis.key-prefix=lru")) {
				config(context.getBean(StringRedisTemplate.class), "maxmemory-policy", "allkeys-lru");
			}
			try (ConfigurableApplicationContext context = new SpringApplication(Server.class).run("--server.port=0",
					"--spring.data.redis.port=" + redis.port(), "--delayqueue.worker.enabled=false",
					"--delayqueue.redis.key-prefix=lru")) {
				assertThat(output.getOut()).contains("Redis's maxmemory-policy is allkeys-lru")
					.contains("delayqueue.redis.require-noeviction=true makes this a failed startup");
			}
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> new SpringApplication(Server.class).run("--server.port=0",
						"--spring.data.redis.port=" + redis.port(), "--delayqueue.worker.enabled=false",
						"--delayqueue.redis.key-prefix=lru", "--delayqueue.redis.require-noeviction=true"))
				.withMessageContaining("Redis's maxmemory-policy is allkeys-lru")
				.withMessageContaining("(delayqueue.redis.require-noeviction=true)");
		}
	}

	private static void config(StringRedisTemplate redis, String name, String value) {
		redis.execute((RedisCallback<Void>) (connection) -> {
			connection.serverCommands().setConfig(name, value);
			return null;
		});
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handler.class)
	static class Server {

	}

	static class Handler {

		static final Set<String> started = ConcurrentHashMap.newKeySet();

		static final Map<String, AtomicInteger> done = new ConcurrentHashMap<>();

		static volatile long worstLateness;

		static void reset() {
			started.clear();
			done.clear();
			worstLateness = 0;
		}

		@DelayedJobHandler(topic = "full")
		void deliver(DelayedJob job) throws InterruptedException {
			started.add(job.id());
			long late = Instant.now().toEpochMilli() - job.dueAt().toEpochMilli();
			if (!job.id().equals("long-1")) {
				worstLateness = Math.max(worstLateness, late);
			}
			if (job.id().equals("long-1")) {
				Thread.sleep(3_000);
			}
			done.computeIfAbsent(job.id(), (id) -> new AtomicInteger()).incrementAndGet();
		}

		@DelayedJobHandler(topic = "fail", maxAttempts = "1")
		void fail(DelayedJob job) {
			throw new IllegalStateException("always fails");
		}

	}

}
