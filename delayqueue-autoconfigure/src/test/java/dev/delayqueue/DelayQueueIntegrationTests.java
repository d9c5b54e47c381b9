package dev.delayqueue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.handler.DelayQueueHeaders;
import dev.delayqueue.handler.DelayedJobHandler;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.StoredJob;
import dev.delayqueue.store.TopicPartition;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs delivered end to end: a real Spring context, the auto-configuration, a real Redis server.
 */
class DelayQueueIntegrationTests {

	static final Map<String, List<Delivery>> deliveries = new ConcurrentHashMap<>();

	static final List<String> events = new CopyOnWriteArrayList<>();

	static volatile CountDownLatch slowEntered = new CountDownLatch(1);

	static volatile CountDownLatch slowRelease = new CountDownLatch(1);

	private String prefix;

	private ApplicationContextRunner runner;

	record Delivery(String instance, String id, long at, int attempt, String body) {
	}

	record Order(String orderId, int amount) {
	}

	@BeforeEach
	void setUp() {
		deliveries.clear();
		events.clear();
		slowEntered = new CountDownLatch(1);
		slowRelease = new CountDownLatch(1);
		this.prefix = TestRedis.uniquePrefix();
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					DelayQueueAutoConfiguration.class))
			.withUserConfiguration(Handlers.class)
			.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
					"delayqueue.redis.key-prefix=" + this.prefix, "delayqueue.worker.shutdown-timeout=5s");
	}

	static void record(String instance, DelayedJob job) {
		deliveries.computeIfAbsent(job.id(), (k) -> Collections.synchronizedList(new ArrayList<>()))
			.add(new Delivery(instance, job.id(), System.currentTimeMillis(), job.attempts(), String.valueOf(job.body())));
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		OrderJobs orderJobs(Environment environment) {
			return new OrderJobs(environment.getProperty("instance", "main"));
		}

		@Bean
		DelayQueueListener recordingListener() {
			return new DelayQueueListener() {
				@Override
				public void onDead(DelayedJob job, String reason, Throwable error) {
					events.add("dead " + job.id() + " " + reason);
				}

				@Override
				public void onLeaseExpired(String topic, String id) {
					events.add("expired " + id);
				}
			};
		}

	}

	static class OrderJobs {

		final String instance;

		OrderJobs(String instance) {
			this.instance = instance;
		}

		@DelayedJobHandler(topic = "${order.topic:order}", concurrency = "8")
		void onTime(@Payload(required = false) Order order, DelayedJob job,
				@Header(DelayQueueHeaders.ATTEMPT) int attempt) {
			assertThat(attempt).isEqualTo(job.attempts());
			record(this.instance, job);
		}

		@DelayedJobHandler(topic = "flaky", maxAttempts = "3", initialInterval = "200ms", multiplier = "2")
		void flaky(DelayedJob job) {
			record(this.instance, job);
			throw new IllegalStateException("downstream is down");
		}

		@DelayedJobHandler(topic = "fatal", noRetryFor = IllegalArgumentException.class)
		void fatal(DelayedJob job) {
			record(this.instance, job);
			throw new IllegalArgumentException("bad order");
		}

		@DelayedJobHandler(topic = "later", maxAttempts = "1")
		void later(DelayedJob job) {
			record(this.instance, job);
			if (deliveries.get(job.id()).size() < 3) {
				throw new RetryJobLaterException(Duration.ofMillis(100), "not yet");
			}
		}

		@DelayedJobHandler(topic = "typed")
		void typed(Order order) {
		}

		@DelayedJobHandler(topic = "slow", concurrency = "1", prefetch = "16")
		void slow(DelayedJob job) throws InterruptedException {
			record(this.instance, job);
			slowEntered.countDown();
			slowRelease.await(10, TimeUnit.SECONDS);
		}

		@DelayedJobHandler(topic = "crash", lease = "1s")
		void crash(DelayedJob job) {
			record(this.instance, job);
		}

	}

	@Test
	void deliversOnTimeWithTheBodyBound() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			Instant start = Instant.now().plusMillis(500);
			List<JobRequest> requests = new ArrayList<>();
			Map<String, Long> due = new ConcurrentHashMap<>();
			for (int i = 0; i < 300; i++) {
				Instant at = start.plusMillis(i * 10L);
				due.put("o" + i, at.toEpochMilli());
				requests.add(JobRequest.builder("order", "o" + i).at(at).body(new Order("o" + i, i)).build());
			}
			queue.scheduleAll(requests);
			await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.size() == 300);
			List<Long> lateness = new ArrayList<>();
			deliveries.forEach((id, list) -> {
				assertThat(list).hasSize(1);
				lateness.add(list.get(0).at() - due.get(id));
				assertThat(list.get(0).body()).contains("\"amount\"");
			});
			Collections.sort(lateness);
			long p50 = lateness.get(149);
			long p99 = lateness.get(296);
			System.out.printf("on-time delivery of 300 jobs: lateness p50=%d ms p99=%d ms max=%d ms%n", p50, p99,
					lateness.get(299));
			assertThat(lateness.get(0)).as("never early").isGreaterThanOrEqualTo(0);
			assertThat(p99).as("p99 lateness").isLessThan(250);
			await().atMost(Duration.ofSeconds(5)).until(() -> queue.stats("order").inFlight() == 0);
			assertThat(queue.stats("order")).isEqualTo(new TopicStats("order", 0, 0, 0));
			assertThat(context.getBean(StringRedisTemplate.class).keys(this.prefix + ":{order}*")).isEmpty();
		});
	}

	@Test
	void aSoonerJobWakesTheWorkerEarly() {
		this.runner.withPropertyValues("delayqueue.worker.poll-interval=30s").run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("order", "far", null, Duration.ofMinutes(10));
			Thread.sleep(300);
			long due = System.currentTimeMillis() + 300;
			queue.schedule("order", "near", null, Instant.ofEpochMilli(due));
			await().atMost(Duration.ofSeconds(5)).until(() -> deliveries.containsKey("near"));
			assertThat(deliveries.get("near").get(0).at() - due).isLessThan(250);
		});
	}

	@Test
	void retriesWithBackoffThenKeepsTheJobDead() {
		this.runner.withPropertyValues("delayqueue.defaults.retry.jitter=0").run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("flaky", "f1", Map.of("x", 1), Duration.ZERO);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> queue.get("flaky", "f1").map(DelayedJob::state).orElse(null) == JobState.DEAD);
			List<Delivery> attempts = deliveries.get("f1");
			assertThat(attempts).extracting(Delivery::attempt).containsExactly(1, 2, 3);
			assertThat(attempts.get(1).at() - attempts.get(0).at()).isBetween(190L, 600L);
			assertThat(attempts.get(2).at() - attempts.get(1).at()).isBetween(390L, 900L);
			DelayedJob dead = queue.get("flaky", "f1").orElseThrow();
			assertThat(dead.attempts()).isEqualTo(3);
			assertThat(dead.lastError()).contains("downstream is down");
			await().until(() -> events.contains("dead f1 java.lang.IllegalStateException: downstream is down"));
			assertThat(queue.deadJobs("flaky", 0, 10)).extracting(DelayedJob::id).containsExactly("f1");
			assertThat(queue.redrive("flaky", "f1")).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.get("f1").size() == 6);
			await().until(() -> queue.get("flaky", "f1").map(DelayedJob::state).orElse(null) == JobState.DEAD);
			assertThat(queue.purgeAll("flaky")).isOne();
			assertThat(queue.get("flaky", "f1")).isEmpty();
		});
	}

	@Test
	void nonRetryableErrorsAndUnbindableBodiesGoStraightToDead() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("fatal", "x", null, Duration.ZERO);
			queue.schedule("typed", "y", "not an order", Duration.ZERO);
			await().atMost(Duration.ofSeconds(5)).until(() -> queue.stats("fatal").dead() == 1
					&& queue.stats("typed").dead() == 1);
			assertThat(queue.get("fatal", "x").orElseThrow().attempts()).isOne();
			assertThat(queue.get("typed", "y").orElseThrow().lastError()).contains("Cannot bind job 'y'");
		});
	}

	@Test
	void redriveAllEndsEvenWhenRedrivenJobsDieAgainAtOnce() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			for (int i = 0; i < 3; i++) {
				queue.schedule("fatal", "r" + i, null, Duration.ZERO);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> queue.stats("fatal").dead() == 3);
			Future<Long> redriven = Executors.newSingleThreadExecutor()
				.submit(() -> queue.redriveAll("fatal"));
			assertThat(redriven.get(10, TimeUnit.SECONDS)).isEqualTo(3);
			await().atMost(Duration.ofSeconds(5)).until(() -> queue.stats("fatal").dead() == 3
					&& deliveries.values().stream().mapToInt(List::size).sum() == 6);
			assertThat(queue.purgeAll("fatal")).isEqualTo(3);
			assertThat(queue.stats("fatal")).isEqualTo(new TopicStats("fatal", 0, 0, 0));
		});
	}

	@Test
	void retryLaterDoesNotSpendAttempts() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("later", "l", null, Duration.ZERO);
			await().atMost(Duration.ofSeconds(5)).until(() -> deliveries.containsKey("l")
					&& deliveries.get("l").size() == 3 && queue.get("later", "l").isEmpty());
			assertThat(deliveries.get("l")).extracting(Delivery::attempt).containsExactly(1, 1, 1);
		});
	}

	@Test
	void aWorkerThatDiedHoldingAJobLosesItWhenTheLeaseRunsOut() {
		LettuceConnectionFactory connectionFactory = TestRedis.connectionFactory();
		try {
			RedisJobStore crashed = new RedisJobStore(new StringRedisTemplate(connectionFactory), new JobKeys(this.prefix));
			long now = System.currentTimeMillis();
			crashed.schedule("crash", List.of(new StoredJob("c1", now, "{}", null)), false, now);
			assertThat(crashed.claim(TopicPartition.first("crash"), Lane.LOCAL, now, 10, 1_000, "crashed-worker").jobs())
				.hasSize(1);
			// that worker is gone: it never completes, fails or extends
			this.runner.run((context) -> {
				await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.containsKey("c1"));
				Delivery delivery = deliveries.get("c1").get(0);
				assertThat(delivery.attempt()).isEqualTo(2);
				assertThat(delivery.at() - now).isBetween(1_000L, 3_000L);
				assertThat(events).contains("expired c1");
				await().until(() -> context.getBean(DelayQueue.class).get("crash", "c1").isEmpty());
			});
		}
		finally {
			connectionFactory.destroy();
		}
	}

	@Test
	void aLeaseThatRunsOutOnTheFinalAttemptSendsTheJobToDead() {
		LettuceConnectionFactory connectionFactory = TestRedis.connectionFactory();
		try {
			RedisJobStore crashed = new RedisJobStore(new StringRedisTemplate(connectionFactory), new JobKeys(this.prefix));
			long now = System.currentTimeMillis();
			crashed.schedule("crash", List.of(new StoredJob("last", now, "{}", 1)), false, now);
			assertThat(crashed.claim(TopicPartition.first("crash"), Lane.LOCAL, now, 10, 1_000, "crashed-worker").jobs())
				.hasSize(1);
			this.runner.run((context) -> {
				DelayQueue queue = context.getBean(DelayQueue.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> queue.get("crash", "last").map(DelayedJob::state).orElse(null) == JobState.DEAD);
				DelayedJob dead = queue.get("crash", "last").orElseThrow();
				assertThat(dead.attempts()).isOne();
				assertThat(dead.lastError()).isEqualTo("Lease ran out on the final attempt (1)");
				assertThat(deliveries).doesNotContainKey("last");
			});
		}
		finally {
			connectionFactory.destroy();
		}
	}

	@Test
	void replacingOrCancellingAJobWhileItRunsIsSafe() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("slow", "r", "v1", Duration.ZERO);
			assertThat(slowEntered.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(queue.get("slow", "r").orElseThrow().state()).isEqualTo(JobState.IN_FLIGHT);
			assertThat(queue.schedule("slow", "r", "v2", Duration.ofMillis(200)))
				.isEqualTo(ScheduleResult.REPLACED_IN_FLIGHT);
			slowRelease.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> deliveries.get("r").size() == 2);
			assertThat(deliveries.get("r")).extracting(Delivery::body).containsExactly("\"v1\"", "\"v2\"");
			await().until(() -> queue.get("slow", "r").isEmpty());

			slowEntered = new CountDownLatch(1);
			slowRelease = new CountDownLatch(1);
			queue.schedule("slow", "c", null, Duration.ZERO);
			assertThat(slowEntered.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(queue.cancel("slow", "c")).isTrue();
			slowRelease.countDown();
			Thread.sleep(1_500);
			assertThat(deliveries.get("c")).hasSize(1);
			assertThat(queue.get("slow", "c")).isEmpty();
			assertThat(queue.stats("slow")).isEqualTo(new TopicStats("slow", 0, 0, 0));
		});
	}

	@Test
	void rescheduleMovesAPendingJob() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("order", "m", null, Duration.ofMillis(300));
			long newDue = System.currentTimeMillis() + 1_200;
			assertThat(queue.reschedule("order", "m", Instant.ofEpochMilli(newDue))).contains(JobState.PENDING);
			await().atMost(Duration.ofSeconds(5)).until(() -> deliveries.containsKey("m"));
			assertThat(deliveries.get("m").get(0).at()).isGreaterThanOrEqualTo(newDue);
			assertThat(queue.reschedule("order", "gone", Instant.now())).isEmpty();
			assertThat(queue.cancel("order", "gone")).isFalse();
		});
	}

	@Test
	void jobsOfATopicNobodyServesWaitVisibly() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("nobody", "n", null, Duration.ZERO);
			Thread.sleep(1_500);
			DelayedJob job = queue.get("nobody", "n").orElseThrow();
			assertThat(job.state()).isEqualTo(JobState.PENDING);
			assertThat(job.attempts()).isZero();
			assertThat(queue.topics()).contains("nobody");
		});
	}

	@Test
	void severalInstancesSplitTheWorkAndDeliverEachJobOnce() {
		ApplicationContextRunner a = this.runner.withPropertyValues("instance=a");
		ApplicationContextRunner b = this.runner.withPropertyValues("instance=b");
		ApplicationContextRunner c = this.runner.withPropertyValues("instance=c");
		a.run((ca) -> b.run((cb) -> c.run((cc) -> {
			DelayQueue queue = ca.getBean(DelayQueue.class);
			Instant start = Instant.now().plusMillis(300);
			List<JobRequest> requests = new ArrayList<>();
			for (int i = 0; i < 3_000; i++) {
				requests.add(JobRequest.builder("order", "m" + i).at(start.plusMillis(i % 1_000)).build());
			}
			queue.scheduleAll(requests);
			await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.size() == 3_000);
			Thread.sleep(500);
			Map<String, AtomicInteger> perInstance = new ConcurrentHashMap<>();
			deliveries.forEach((id, list) -> {
				assertThat(list).as("deliveries of " + id).hasSize(1);
				perInstance.computeIfAbsent(list.get(0).instance(), (k) -> new AtomicInteger()).incrementAndGet();
			});
			System.out.println("3 instances, 3000 jobs, delivered per instance: " + perInstance);
			assertThat(perInstance).containsKeys("a", "b", "c");
		})));
	}

	@Test
	void gracefulShutdownFinishesTheRunningJobAndReleasesTheWaitingOnes() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			List<JobRequest> requests = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				requests.add(JobRequest.builder("slow", "s" + i).delay(Duration.ZERO).build());
			}
			queue.scheduleAll(requests);
			assertThat(slowEntered.await(5, TimeUnit.SECONDS)).isTrue();
			new Thread(() -> {
				sleep(500);
				slowRelease.countDown();
			}).start();
			context.close();
		});
		LettuceConnectionFactory connectionFactory = TestRedis.connectionFactory();
		try {
			RedisJobStore store = new RedisJobStore(new StringRedisTemplate(connectionFactory), new JobKeys(this.prefix));
			assertThat(deliveries).hasSize(1);
			String finished = deliveries.keySet().iterator().next();
			assertThat(store.get("slow", finished)).isEmpty();
			assertThat(store.stats("slow")).isEqualTo(new TopicStats("slow", 9, 0, 0));
			for (int i = 0; i < 10; i++) {
				store.get("slow", "s" + i).ifPresent((job) -> {
					assertThat(job.state()).isEqualTo(JobState.PENDING);
					assertThat(job.attempts()).isZero();
				});
			}
		}
		finally {
			connectionFactory.destroy();
		}
	}

	@Test
	void badInputIsRejectedNamingTheFieldAndStoresNothing() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			Assertions
				.assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> queue.schedule("bad topic", "x", null, Duration.ZERO))
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("topic"));
			Assertions.assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> queue.schedule("order", "a\nb", null, Duration.ZERO))
				.withMessageContaining("id must not contain control characters");
			Assertions.assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> queue.schedule("order", "x", null, Duration.ofSeconds(-1)))
				.withMessage("delay must not be negative, was PT-1S");
			Assertions.assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> queue.scheduleAll(List.of(JobRequest.builder("order", "ok").delay(Duration.ZERO).build(),
						JobRequest.builder("order", "big").delay(Duration.ZERO).body("x".repeat(2 * 1024 * 1024)).build())))
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("body"));
			assertThat(queue.get("order", "ok")).isEmpty();
			// only the running instance's own record and the dashboard's counters, which are not job data
			assertThat(context.getBean(StringRedisTemplate.class).keys(this.prefix + "*"))
				.allMatch((key) -> key.startsWith(this.prefix + ":{#instances}")
						|| key.startsWith(this.prefix + ":{#minutes}:"));
		});
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
