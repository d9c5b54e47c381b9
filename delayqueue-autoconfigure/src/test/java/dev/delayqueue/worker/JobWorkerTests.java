package dev.delayqueue.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobState;
import dev.delayqueue.TestRedis;
import dev.delayqueue.event.DelayQueueListeners;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.redis.WakeSubscriber;
import dev.delayqueue.store.StoredJob;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's parts together (claim loop, handler invocation, outcome recorder, lease keeper, wake-ups) on a real
 * Redis, without Spring.
 */
class JobWorkerTests {

	private final Clock clock = Clock.systemUTC();

	private LettuceConnectionFactory connectionFactory;

	private RedisJobStore store;

	private JobKeys keys;

	private final List<JobWorker> workers = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.connectionFactory = TestRedis.connectionFactory();
		this.keys = new JobKeys(TestRedis.uniquePrefix());
		this.store = new RedisJobStore(new StringRedisTemplate(this.connectionFactory), this.keys);
	}

	@AfterEach
	void tearDown() {
		this.workers.forEach(JobWorker::stop);
		this.connectionFactory.destroy();
	}

	@Test
	void aSleepingWorkerIsWokenByTheAnnouncementOfASoonerJob() {
		JobWorker worker = worker(new WorkerSettings(100, Duration.ofHours(1), Duration.ofSeconds(5)));
		Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
		worker.register("wake", (job) -> deliveredAt.put(job.id(), this.clock.millis()), TopicSettings.DEFAULT,
				"test");
		worker.start();
		await().pollDelay(Duration.ofMillis(300)).until(() -> true);
		long due = this.clock.millis() + 300;
		schedule("wake", "1", due);
		await().atMost(Duration.ofSeconds(5)).until(() -> deliveredAt.containsKey("1"));
		assertThat(deliveredAt.get("1") - due).isBetween(0L, 500L);
	}

	@Test
	void aSlowHandlerKeepsItsLeaseSoNoOtherWorkerDeliversTheJobAgain() {
		TopicSettings shortLease = TopicSettings.builder().lease(Duration.ofSeconds(1)).build();
		AtomicInteger deliveries = new AtomicInteger();
		CountDownLatch finished = new CountDownLatch(1);
		JobHandler slow = (job) -> {
			deliveries.incrementAndGet();
			Thread.sleep(3_000);
			finished.countDown();
		};
		JobWorker first = worker(WorkerSettings.DEFAULT);
		first.register("slow", slow, shortLease, "first");
		first.start();
		schedule("slow", "1", this.clock.millis());
		await().atMost(Duration.ofSeconds(5)).until(() -> deliveries.get() == 1);
		JobWorker second = worker(new WorkerSettings(100, Duration.ofMillis(50), Duration.ofSeconds(5)));
		second.register("slow", slow, shortLease, "second");
		second.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> finished.getCount() == 0);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.get("slow", "1").isEmpty());
		assertThat(deliveries).hasValue(1);
	}

	@Test
	void stopReleasesWaitingJobsUncountedAndWritesEveryOutcomeBeforeItReturns() throws Exception {
		JobWorker worker = worker(new WorkerSettings(100, Duration.ofSeconds(1), Duration.ofSeconds(10)));
		CountDownLatch started = new CountDownLatch(1);
		worker.register("stop", (job) -> {
			started.countDown();
			Thread.sleep(500);
		}, TopicSettings.builder().concurrency(1).prefetch(5).build(), "test");
		long now = this.clock.millis();
		for (int i = 1; i <= 4; i++) {
			schedule("stop", Integer.toString(i), now + i);
		}
		worker.start();
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		worker.stop();
		assertThat(this.store.get("stop", "1")).isEmpty();
		for (int i = 2; i <= 4; i++) {
			DelayedJob released = this.store.get("stop", Integer.toString(i)).orElseThrow();
			assertThat(released.state()).isEqualTo(JobState.PENDING);
			assertThat(released.attempts()).isZero();
			assertThat(released.lastError()).isNull();
		}
	}

	@Test
	void aFailedAttemptIsRecordedWithItsBackoffAndTheSuccessOfTheNextDeletesTheJob() {
		JobWorker worker = worker(new WorkerSettings(100, Duration.ofMillis(100), Duration.ofSeconds(5)));
		AtomicInteger attempts = new AtomicInteger();
		worker.register("flaky", (job) -> {
			if (attempts.incrementAndGet() == 1) {
				throw new IllegalStateException("first attempt fails");
			}
		}, TopicSettings.builder().initialInterval(Duration.ofSeconds(1)).jitter(0).build(), "test");
		worker.start();
		schedule("flaky", "1", this.clock.millis());
		await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() == 1);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.store.get("flaky", "1").map(DelayedJob::lastError).orElse("").contains("first attempt"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.get("flaky", "1").isEmpty());
		assertThat(attempts).hasValue(2);
	}

	private void schedule(String topic, String id, long due) {
		this.store.schedule(topic, List.of(new StoredJob(id, due, null, null)), false, this.clock.millis());
	}

	private JobWorker worker(WorkerSettings settings) {
		JobWorker worker = new JobWorker(this.store, new WakeSubscriber(this.connectionFactory, this.keys),
				new DelayQueueListeners(List.of()), this.clock, settings);
		this.workers.add(worker);
		return worker;
	}

}
