package dev.delayqueue.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.RecurringJob;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The test kit in a real {@code @SpringBootTest}: a real Redis started for it, real handlers, time moved by the test.
 */
@SpringBootTest(properties = { "delayqueue.redis.key-prefix=testkit", "delayqueue.topics.flaky.retry.max-attempts=3",
		"delayqueue.topics.flaky.retry.initial-interval=1m", "delayqueue.defaults.retry.jitter=0" })
@AutoConfigureDelayQueueTestKit
class DelayQueueTestKitTests {

	@Autowired
	DelayQueueTestKit kit;

	@Autowired
	DelayQueue queue;

	@Autowired
	Handlers handlers;

	@Autowired
	Clock applicationClock;

	@BeforeEach
	void clear() {
		this.handlers.ran.clear();
		this.handlers.attempts.clear();
	}

	@Test
	void advancingPastTheDueTimeDeliversBeforeAdvanceReturns() {
		long start = System.nanoTime();
		this.queue.schedule("order", "42", Map.of("amount", 1299), Duration.ofMinutes(30));
		this.kit.advance(Duration.ofMinutes(29));
		assertThat(this.handlers.ran).isEmpty();
		assertThat(this.kit.isPending("order", "42")).isTrue();
		this.kit.advance(Duration.ofMinutes(1));
		assertThat(this.handlers.ran).containsExactly("order 42");
		assertThat(this.kit.job("order", "42")).as("deleted once delivered").isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("thirty minutes in a test").isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void onlyWhatIsDueByTheNewTimeIsDelivered() {
		Instant now = this.kit.now();
		this.queue.schedule("order", "soon", null, now.plus(Duration.ofMinutes(10)));
		this.queue.schedule("order", "later", null, now.plus(Duration.ofHours(2)));
		this.kit.advance(Duration.ofMinutes(10));
		assertThat(this.handlers.ran).containsExactly("order soon");
		assertThat(this.kit.stats("order").pending()).isEqualTo(1);
		this.kit.advance(Duration.ofHours(2));
		assertThat(this.handlers.ran).containsExactly("order soon", "order later");
	}

	@Test
	void aJobAHandlerSchedulesDueByTheNewTimeIsDeliveredInTheSameAdvance() {
		this.queue.schedule("chain", "1", null, Duration.ofMinutes(5));
		this.kit.advance(Duration.ofMinutes(20));
		assertThat(this.handlers.ran).containsExactly("chain 1", "order from-chain-1");
	}

	@Test
	void retriesWaitForTheirBackoffAndTheLastFailureLeavesTheJobDead() {
		this.queue.schedule("flaky", "7", null, Duration.ZERO);
		this.kit.awaitIdle();
		assertThat(this.handlers.attempts).containsEntry("7", 1);
		assertThat(this.kit.job("flaky", "7")).map(DelayedJob::state).hasValue(JobState.PENDING);
		this.kit.advance(Duration.ofMinutes(1));
		assertThat(this.handlers.attempts).containsEntry("7", 2);
		this.kit.advance(Duration.ofMinutes(2));
		assertThat(this.handlers.attempts).containsEntry("7", 3);
		assertThat(this.kit.dead("flaky")).singleElement()
			.satisfies((job) -> assertThat(job.lastError()).contains("always fails"));
	}

	@Test
	void delayQueueReadsTheVirtualClockAndLeavesTheApplicationsClockAlone() {
		assertThat(this.applicationClock).isNotInstanceOf(VirtualClock.class);
		Duration before = this.kit.clock().offset();
		this.kit.advance(Duration.ofDays(1));
		assertThat(this.kit.clock().offset().minus(before)).isEqualTo(Duration.ofDays(1));
		assertThat(this.kit.now()).isAfter(this.applicationClock.instant().plus(Duration.ofHours(23)));
		JobRequest request = JobRequest.builder("order", "tomorrow").delay(Duration.ofMinutes(1)).build();
		this.queue.schedule(request);
		assertThat(this.kit.job("order", "tomorrow").orElseThrow().dueAt())
			.isAfter(this.applicationClock.instant().plus(Duration.ofHours(23)));
		this.kit.advance(Duration.ofMinutes(1));
	}

	@Test
	void timeNeverGoesBack() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.kit.advance(Duration.ofSeconds(-1)))
			.withMessageContaining("must not be negative");
	}

	@Test
	void aRecurringJobRunsOnceForEachAdvancePastItsTime() {
		ZoneId berlin = ZoneId.of("Europe/Berlin");
		Instant first = this.queue.scheduleRecurring(RecurringJob.cron("nightly", "report", "0 0 4 * * *").zone(berlin)
			.build());
		try {
			this.kit.advance(Duration.between(this.kit.now(), first));
			assertThat(this.handlers.ran).containsExactly("report nightly " + first);
			this.kit.advance(Duration.ofDays(1));
			assertThat(this.handlers.ran).containsExactly("report nightly " + first,
					"report nightly " + first.plus(Duration.ofDays(1)));
			this.kit.advance(Duration.ofDays(3));
			assertThat(this.handlers.ran).as("three nights at once: run once, as after downtime").hasSize(3);
			assertThat(this.kit.job("report", "nightly")).hasValueSatisfying((job) -> assertThat(
					job.dueAt().atZone(berlin).getHour()).isEqualTo(4));
		}
		finally {
			this.queue.removeRecurring("nightly");
		}
	}

	@Test
	void aHandlerThatNeverEndsIsNamedWhenTheWaitRunsOut() {
		this.handlers.release = false;
		this.queue.schedule("stuck", "1", null, Duration.ZERO);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.kit.awaitIdle(Duration.ofMillis(300)))
			.withMessageContaining("delayqueue is not idle")
			.withMessageContaining("topic 'stuck': 1 in flight");
		this.handlers.release = true;
		this.kit.awaitIdle();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handlers.class)
	public static class Application {

		@Bean
		Clock applicationClock() {
			return Clock.systemUTC();
		}

	}

	public static class Handlers {

		final List<String> ran = new CopyOnWriteArrayList<>();

		final Map<String, Integer> attempts = new ConcurrentHashMap<>();

		volatile boolean release;

		@Autowired
		DelayQueue queue;

		@DelayedJobHandler(topic = "order")
		void order(DelayedJob job) {
			this.ran.add("order " + job.id());
		}

		@DelayedJobHandler(topic = "chain")
		void chain(DelayedJob job) {
			this.ran.add("chain " + job.id());
			this.queue.schedule("order", "from-chain-" + job.id(), null, Duration.ZERO);
		}

		@DelayedJobHandler(topic = "flaky")
		void flaky(DelayedJob job) {
			this.attempts.merge(job.id(), 1, Integer::sum);
			throw new IllegalStateException("always fails");
		}

		@DelayedJobHandler(topic = "report")
		void report(DelayedJob job) {
			this.ran.add("report " + job.id() + " " + job.occurrence());
		}

		@DelayedJobHandler(topic = "stuck")
		void stuck(DelayedJob job) throws InterruptedException {
			while (!this.release) {
				Thread.sleep(10);
			}
		}

	}

}
