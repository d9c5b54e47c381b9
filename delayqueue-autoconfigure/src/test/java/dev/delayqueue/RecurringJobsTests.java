package dev.delayqueue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.handler.DelayQueueHeaders;
import dev.delayqueue.handler.DelayedJobHandler;
import dev.delayqueue.store.DefaultDelayQueue;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Recurring jobs end to end: real Spring contexts (several sharing one Redis, as instances of one application), the
 * auto-configuration, a real Redis server.
 */
class RecurringJobsTests {

	/** What the handlers were given, in order. */
	static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

	private String prefix;

	private ApplicationContextRunner runner;

	record Delivery(String instance, String topic, String id, Instant dueAt, int attempt, long at,
			@org.jspecify.annotations.Nullable String body, @org.jspecify.annotations.Nullable Instant occurrence) {
	}

	@BeforeEach
	void setUp() {
		deliveries.clear();
		this.prefix = TestRedis.uniquePrefix();
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					DelayQueueAutoConfiguration.class))
			.withUserConfiguration(Handlers.class)
			.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
					"delayqueue.redis.key-prefix=" + this.prefix, "delayqueue.worker.shutdown-timeout=5s",
					"spring.application.name=reports");
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		TickJobs tickJobs(Environment environment) {
			return new TickJobs(environment.getProperty("instance", "main"));
		}

	}

	static class TickJobs {

		final String instance;

		TickJobs(String instance) {
			this.instance = instance;
		}

		@DelayedJobHandler(topic = "tick")
		void tick(DelayedJob job, @Header(DelayQueueHeaders.OCCURRENCE) Instant occurrence) {
			assertThat(occurrence).isEqualTo(job.occurrence());
			record(job);
		}

		@DelayedJobHandler(topic = "broken", maxAttempts = "2", initialInterval = "100ms")
		void broken(DelayedJob job) {
			record(job);
			throw new IllegalStateException("the report server is down");
		}

		private void record(DelayedJob job) {
			deliveries.add(new Delivery(this.instance, job.topic(), job.id(), job.dueAt(), job.attempts(),
					System.currentTimeMillis(), job.body(), job.occurrence()));
		}

	}

	@Test
	void twoInstancesDeclaringTheSameScheduleDeliverEachOccurrenceOnceOnTime() {
		ApplicationContextRunner tick = this.runner.withPropertyValues("delayqueue.recurring.tick.topic=tick",
				"delayqueue.recurring.tick.every=500ms", "delayqueue.recurring.tick.body={\"report\":\"daily\"}");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> tick.run((context) -> {
			assertThat(context).hasFailed();
			throw new IllegalStateException(context.getStartupFailure());
		})).withMessageContaining("delayqueue.recurring.tick.every");
		ApplicationContextRunner everySecond = this.runner.withPropertyValues("delayqueue.recurring.tick.topic=tick",
				"delayqueue.recurring.tick.every=1s", "delayqueue.recurring.tick.body={\"report\":\"daily\"}");
		everySecond.withPropertyValues("instance=a").run((a) -> everySecond.withPropertyValues("instance=b")
			.run((b) -> {
				await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() >= 4);
				DelayQueue queue = a.getBean(DelayQueue.class);
				assertThat(queue.recurringJobs()).singleElement().satisfies((schedule) -> {
					assertThat(schedule.name()).isEqualTo("tick");
					assertThat(schedule.every()).isEqualTo(Duration.ofSeconds(1));
					assertThat(schedule.body()).isEqualTo("{\"report\":\"daily\"}");
					assertThat(schedule.declaredIn()).isEqualTo("configuration:reports");
					assertThat(schedule.nextOccurrence()).isNotNull();
				});
				assertThat(queue.stats("tick").pending() + queue.stats("tick").inFlight()).as("one occurrence")
					.isEqualTo(1);
			}));
		List<Delivery> seen = new ArrayList<>(deliveries);
		Map<Instant, Integer> perOccurrence = new TreeMap<>();
		seen.forEach((d) -> perOccurrence.merge(d.dueAt(), 1, Integer::sum));
		assertThat(perOccurrence.values()).as("each occurrence once: %s", seen).allMatch((n) -> n == 1);
		List<Instant> times = new ArrayList<>(perOccurrence.keySet());
		for (int i = 1; i < times.size(); i++) {
			assertThat(Duration.between(times.get(i - 1), times.get(i))).as("a second apart: %s", times)
				.isEqualTo(Duration.ofSeconds(1));
		}
		for (Delivery d : seen) {
			assertThat(d.id()).isEqualTo("tick");
			assertThat(d.occurrence()).as("the time it is for").isEqualTo(d.dueAt());
			assertThat(d.body()).isEqualTo("{\"report\":\"daily\"}");
			assertThat(d.at() - d.dueAt().toEpochMilli()).as("lateness of %s", d).isBetween(0L, 250L);
		}
	}

	@Test
	void anOccurrenceThatDiesLeavesADeadJobOfItsOwnAndTheNextOccurrenceFollows() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.scheduleRecurring(RecurringJob.every("nightly", "broken", Duration.ofSeconds(1)).build());
			await().atMost(Duration.ofSeconds(10)).until(() -> queue.deadJobs("broken", 0, 10).size() >= 2);
			List<DelayedJob> dead = queue.deadJobs("broken", 0, 10);
			Instant firstOccurrence = deliveries.get(0).occurrence();
			assertThat(deliveries.get(1).occurrence()).as("retries do not move it").isEqualTo(firstOccurrence);
			assertThat(deliveries.get(1).dueAt()).isAfter(firstOccurrence);
			assertThat(dead.get(0).id()).isEqualTo("nightly@" + firstOccurrence.toEpochMilli());
			assertThat(dead.get(0).attempts()).isEqualTo(2);
			assertThat(dead.get(0).lastError()).contains("the report server is down");
			assertThat(queue.get("broken", "nightly")).as("the schedule goes on")
				.hasValueSatisfying((job) -> assertThat(job.state()).isNotEqualTo(JobState.DEAD));
			assertThat(queue.get("broken", dead.get(0).id())).as("found by its id").isPresent();
			// redriving a dead occurrence runs that occurrence once more, as a job of its own
			queue.removeRecurring("nightly");
			int before = deliveries.size();
			assertThat(queue.redrive("broken", dead.get(0).id())).isTrue();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> deliveries.stream().skip(before).anyMatch((d) -> d.id().equals(dead.get(0).id())));
			assertThat(deliveries.stream().skip(before).filter((d) -> d.id().equals(dead.get(0).id())).findFirst())
				.hasValueSatisfying((d) -> assertThat(d.occurrence()).as("still the time it is for")
					.isEqualTo(firstOccurrence));
			assertThat(queue.get("broken", "nightly")).as("removed").isEmpty();
		});
	}

	@Test
	void theApiDeclaresIdempotentlyChangesListsAndRemoves() {
		this.runner.withPropertyValues("delayqueue.worker.enabled=false").run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			ZoneId berlin = ZoneId.of("Europe/Berlin");
			RecurringJob daily = RecurringJob.cron("report", "tick", "0 0 4 * * *").zone(berlin).body(Map.of("a", 1))
				.build();
			Instant next = queue.scheduleRecurring(daily);
			assertThat(next.atZone(berlin).getHour()).isEqualTo(4);
			assertThat(next).isAfter(Instant.now());
			assertThat(queue.scheduleRecurring(daily)).as("the same again changes nothing").isEqualTo(next);
			assertThat(queue.get("tick", "report")).hasValueSatisfying((job) -> {
				assertThat(job.dueAt()).isEqualTo(next);
				assertThat(job.body()).isEqualTo("{\"a\":1}");
			});
			Instant changed = queue.scheduleRecurring(
					RecurringJob.cron("report", "tick", "0 30 5 * * *").zone(berlin).body(Map.of("a", 2)).build());
			assertThat(changed.atZone(berlin).getHour()).isEqualTo(5);
			assertThat(queue.get("tick", "report")).hasValueSatisfying(
					(job) -> assertThat(job.body()).as("moved to the new schedule").isEqualTo("{\"a\":2}"));
			assertThat(queue.recurringJobs()).singleElement().satisfies((schedule) -> {
				assertThat(schedule.cron()).isEqualTo("0 30 5 * * *");
				assertThat(schedule.zone()).isEqualTo(berlin);
				assertThat(schedule.declaredIn()).isEqualTo("api");
				assertThat(schedule.nextOccurrence()).isEqualTo(changed);
				assertThat(schedule.missed()).isEqualTo(RecurringJob.Missed.RUN_ONCE);
			});
			Instant moved = queue.scheduleRecurring(RecurringJob.every("report", "other", Duration.ofHours(1)).build());
			assertThat(queue.get("tick", "report")).as("moved to its new topic").isEmpty();
			assertThat(queue.get("other", "report")).hasValueSatisfying((job) -> assertThat(job.dueAt()).isEqualTo(moved));
			assertThat(queue.removeRecurring("report")).isTrue();
			assertThat(queue.removeRecurring("report")).isFalse();
			assertThat(queue.get("other", "report")).isEmpty();
			assertThat(queue.recurringJobs()).isEmpty();
		});
	}

	@Test
	void badDeclarationsNameTheFieldAndChangeNothing() {
		this.runner.withPropertyValues("delayqueue.worker.enabled=false").run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> RecurringJob.cron("r", "tick", "every day").build())
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("cron"));
			assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> RecurringJob.every("a b", "tick", Duration.ofMinutes(1)).build())
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("name"));
			assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> RecurringJob.every("r", "tick", Duration.ofMillis(10)).build())
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("every"));
			queue.schedule("tick", "taken", "a one-off job", Duration.ofHours(1));
			assertThatExceptionOfType(InvalidJobException.class)
				.isThrownBy(() -> queue.scheduleRecurring(RecurringJob.every("taken", "tick", Duration.ofHours(1)).build()))
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("name"))
				.withMessageContaining("not an occurrence of recurring job 'taken'");
			assertThat(queue.recurringJobs()).isEmpty();
			assertThat(queue.get("tick", "taken")).hasValueSatisfying(
					(job) -> assertThat(job.body()).isEqualTo("\"a one-off job\""));
		});
		this.runner.withPropertyValues("delayqueue.recurring.r.topic=tick", "delayqueue.recurring.r.cron=0 0 4 * *")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("delayqueue.recurring.r.cron"));
		this.runner.withPropertyValues("delayqueue.recurring.r.topic=tick", "delayqueue.recurring.r.every=1m",
				"delayqueue.recurring.r.body={not json")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.recurring.r.body"));
	}

	@Test
	void aRecurringJobRemovedFromTheConfigurationIsRemovedAtTheNextStartOfItsApplication() {
		this.runner.withPropertyValues("delayqueue.worker.enabled=false", "delayqueue.recurring.a.topic=tick",
				"delayqueue.recurring.a.every=1h", "delayqueue.recurring.b.topic=tick", "delayqueue.recurring.b.every=1h")
			.run((context) -> context.getBean(DelayQueue.class)
				.scheduleRecurring(RecurringJob.every("c", "tick", Duration.ofHours(1)).build()));
		this.runner.withPropertyValues("delayqueue.worker.enabled=false", "spring.application.name=billing",
				"delayqueue.recurring.d.topic=tick", "delayqueue.recurring.d.every=1h").run((context) -> {
					assertThat(names(context)).as("another application's are left alone").containsExactly("a", "b", "c",
							"d");
				});
		this.runner.withPropertyValues("delayqueue.worker.enabled=false", "delayqueue.recurring.a.topic=tick",
				"delayqueue.recurring.a.every=1h").run((context) -> {
					assertThat(names(context)).as("b removed; c came from the API").containsExactly("a", "c", "d");
					assertThat(context.getBean(DelayQueue.class).get("tick", "b")).isEmpty();
				});
		this.runner.withPropertyValues("delayqueue.worker.enabled=false", "delayqueue.recurring.e.topic=tick",
				"delayqueue.recurring.e.every=1h", "delayqueue.remove-undeclared-recurring-jobs=false")
			.run((context) -> assertThat(names(context)).containsExactly("a", "c", "d", "e"));
		this.runner.withPropertyValues("delayqueue.worker.enabled=false")
			.run((context) -> assertThat(names(context)).as("an instance declaring none removes none")
				.containsExactly("a", "c", "d", "e"));
		this.runner.withPropertyValues("delayqueue.worker.enabled=false", "spring.application.name=",
				"delayqueue.recurring.f.topic=tick", "delayqueue.recurring.f.every=1h")
			.run((context) -> assertThat(names(context)).as("an application without a name removes none")
				.containsExactly("a", "c", "d", "e", "f"));
	}

	@Test
	void aDeclarationRefusedAtStartupIsLoggedAndTheOthersAreDeclared() {
		this.runner.withPropertyValues("delayqueue.worker.enabled=false")
			.run((context) -> context.getBean(DelayQueue.class).schedule("tick", "taken", null, Duration.ofHours(1)));
		this.runner.withPropertyValues("delayqueue.worker.enabled=false", "delayqueue.recurring.taken.topic=tick",
				"delayqueue.recurring.taken.every=1h", "delayqueue.recurring.free.topic=tick",
				"delayqueue.recurring.free.every=1h")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(names(context)).containsExactly("free");
				assertThat(context.getBean(DelayQueue.class).get("tick", "taken"))
					.hasValueSatisfying((job) -> assertThat(job.occurrence()).as("the one-off job, left alone").isNull());
			});
	}

	@Test
	void anOccurrenceLostOrCancelledIsStoredAgainByTheCheck() {
		this.runner.withPropertyValues("delayqueue.worker.enabled=false").run((context) -> {
			DefaultDelayQueue queue = (DefaultDelayQueue) context.getBean(DelayQueue.class);
			queue.scheduleRecurring(RecurringJob.every("r", "tick", Duration.ofHours(1)).build());
			assertThat(queue.recurringSchedules().reconcile()).isZero();
			assertThat(queue.cancel("tick", "r")).isTrue();
			assertThat(queue.recurringSchedules().reconcile()).isEqualTo(1);
			assertThat(queue.get("tick", "r")).isPresent();
		});
	}

	@Test
	void afterDowntimeAMissedOccurrenceRunsOnceOrIsSkipped() throws Exception {
		ApplicationContextRunner declaredOnly = this.runner.withPropertyValues("delayqueue.worker.enabled=false");
		declaredOnly.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.scheduleRecurring(RecurringJob.every("once", "tick", Duration.ofSeconds(1)).build());
			queue.scheduleRecurring(
					RecurringJob.every("skip", "tick", Duration.ofSeconds(1)).missed(RecurringJob.Missed.SKIP).build());
		});
		Thread.sleep(3500); // no instance runs: occurrences are missed
		long restart = System.currentTimeMillis();
		this.runner.run((context) -> await().atMost(Duration.ofSeconds(10))
			.until(() -> deliveries.stream().filter((d) -> d.id().equals("skip")).count() >= 2
					&& deliveries.stream().filter((d) -> d.id().equals("once")).count() >= 3));
		List<Delivery> once = deliveries.stream().filter((d) -> d.id().equals("once")).toList();
		List<Delivery> skip = deliveries.stream().filter((d) -> d.id().equals("skip")).toList();
		assertThat(once.get(0).dueAt().toEpochMilli()).as("the missed one runs, late").isLessThan(restart - 2000);
		assertThat(once.get(1).dueAt().toEpochMilli()).as("once, then the first to come").isGreaterThan(restart - 1000);
		assertThat(skip.get(0).dueAt().toEpochMilli()).as("the missed one is skipped").isGreaterThan(restart - 1000);
	}

	private static List<String> names(AssertableApplicationContext context) {
		return context.getBean(DelayQueue.class).recurringJobs().stream().map(RecurringSchedule::name).toList();
	}


}
