package dev.delayqueue.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TestRedis;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.store.DefaultDelayQueue;
import dev.delayqueue.store.OutboxEntry;
import dev.delayqueue.store.StoredJob;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox on H2: the change is a row of the application's transaction, relayed to a real Redis after the commit,
 * once, in order, by whichever instance gets to it.
 */
class OutboxTests {

	private String database;

	private ApplicationContextRunner runner;

	@BeforeEach
	void setUp() {
		this.database = "jdbc:h2:mem:outbox-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
		DataSource shared = new DriverManagerDataSource(this.database);
		JdbcClient.create(shared).sql("create table orders (id varchar(64) primary key, status varchar(16) not null)")
			.update();
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					DelayQueueAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + TestRedis.port(), "delayqueue.worker.enabled=false",
					"delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix(), "delayqueue.outbox.enabled=true",
					"delayqueue.outbox.initialize-schema=true")
			.withBean(DataSource.class, () -> new DriverManagerDataSource(this.database));
	}

	@Test
	void theJobIsARowOfTheTransactionAndReachesRedisRightAfterTheCommit() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
			long start = System.nanoTime();
			ScheduleResult result = transactions(context).execute((status) -> {
				jdbc.sql("insert into orders (id, status) values ('42', 'UNPAID')").update();
				return queue.schedule("order", "42", java.util.Map.of("amount", 1299), Duration.ofMinutes(30));
			});
			assertThat(result).isEqualTo(ScheduleResult.AFTER_COMMIT);
			await().atMost(Duration.ofSeconds(5)).until(() -> queue.get("order", "42").isPresent());
			long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
			assertThat(tookMillis).as("nudged by the commit, not the 1 s poll").isLessThan(900);
			assertThat(queue.get("order", "42")).hasValueSatisfying((job) -> {
				assertThat(job.body()).isEqualTo("{\"amount\":1299}");
				assertThat(job.state()).isEqualTo(JobState.PENDING);
			});
			await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(JdbcOutbox.class).backlog() == 0);
		});
	}

	@Test
	void aRollbackLeavesNeitherRowNorJob() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
			transactions(context).executeWithoutResult((status) -> {
				jdbc.sql("insert into orders (id, status) values ('43', 'UNPAID')").update();
				queue.schedule("order", "43", null, Duration.ofMinutes(30));
				status.setRollbackOnly();
			});
			assertThat(context.getBean(JdbcOutbox.class).backlog()).isZero();
			Thread.sleep(300);
			assertThat(queue.get("order", "43")).isEmpty();
		});
	}

	@Test
	void rowsOfAnInstanceThatDidNotRelayAreRelayedByAnother() {
		ApplicationContextRunner noRelay = this.runner.withPropertyValues("delayqueue.outbox.relay=false");
		String prefix = TestRedis.uniquePrefix();
		noRelay.withPropertyValues("delayqueue.redis.key-prefix=" + prefix).run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			transactions(context).executeWithoutResult((status) -> {
				queue.schedule("order", "a", null, Duration.ofMinutes(30));
				queue.schedule("order", "b", null, Duration.ofMinutes(30));
				queue.cancel("order", "b");
				queue.schedule("order", "c", null, Duration.ofMinutes(30));
			});
			assertThat(context.getBean(JdbcOutbox.class).backlog()).isEqualTo(4);
			assertThat(queue.get("order", "a")).as("not relayed here").isEmpty();
		});
		this.runner.withPropertyValues("delayqueue.redis.key-prefix=" + prefix).run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(JdbcOutbox.class).backlog() == 0);
			assertThat(queue.get("order", "a")).isPresent();
			assertThat(queue.get("order", "b")).as("scheduled, then cancelled, in order").isEmpty();
			assertThat(queue.get("order", "c")).isPresent();
		});
	}

	@Test
	void aRowRelayedAgainAfterACrashChangesNothing() {
		this.runner.withPropertyValues("delayqueue.outbox.relay=false").run((context) -> {
			DefaultDelayQueue queue = (DefaultDelayQueue) context.getBean(DelayQueue.class);
			OutboxEntry entry = new OutboxEntry(OutboxEntry.Kind.SCHEDULE, "order", "44", System.currentTimeMillis(),
					false, new StoredJob("44", System.currentTimeMillis(), null, null));
			queue.applyOutboxEntry(entry, "request-1", Duration.ofMinutes(1));
			assertThat(queue.cancel("order", "44")).as("say it was delivered").isTrue();
			queue.applyOutboxEntry(entry, "request-1", Duration.ofMinutes(1));
			assertThat(queue.get("order", "44")).as("the same request again: not a second job").isEmpty();
			queue.applyOutboxEntry(entry, "request-2", Duration.ofMinutes(1));
			assertThat(queue.get("order", "44")).as("another request").isPresent();
		});
	}

	@Test
	void aCancelOrRescheduleRelayedAgainDoesNotUndoALaterChange() {
		this.runner.withPropertyValues("delayqueue.outbox.relay=false").run((context) -> {
			DefaultDelayQueue queue = (DefaultDelayQueue) context.getBean(DelayQueue.class);
			long now = System.currentTimeMillis();
			Duration window = Duration.ofMinutes(1);
			OutboxEntry first = schedule("45", now + 3_600_000);
			OutboxEntry cancel = new OutboxEntry(OutboxEntry.Kind.CANCEL, "order", "45", 0, false, null);
			OutboxEntry moveSoon = new OutboxEntry(OutboxEntry.Kind.RESCHEDULE, "order", "45", now + 60_000, false,
					null);
			OutboxEntry again = schedule("45", now + 7_200_000);
			queue.applyOutboxEntry(first, "r1", window);
			queue.applyOutboxEntry(moveSoon, "r2", window);
			queue.applyOutboxEntry(cancel, "r3", window);
			queue.applyOutboxEntry(again, "r4", window);
			// the relay died before deleting its rows: the whole batch comes again
			for (String request : List.of("r1", "r2", "r3", "r4")) {
				OutboxEntry entry = switch (request) {
					case "r1" -> first;
					case "r2" -> moveSoon;
					case "r3" -> cancel;
					default -> again;
				};
				queue.applyOutboxEntry(entry, request, window);
			}
			assertThat(queue.get("order", "45")).as("scheduled anew, neither cancelled nor moved again")
				.hasValueSatisfying((job) -> assertThat(job.dueAt().toEpochMilli()).isEqualTo(now + 7_200_000));
			// a cancel of a job that did not exist yet, made again after it was scheduled, leaves it too
			queue.applyOutboxEntry(new OutboxEntry(OutboxEntry.Kind.CANCEL, "order", "46", 0, false, null), "r5",
					window);
			queue.applyOutboxEntry(schedule("46", now + 3_600_000), "r6", window);
			queue.applyOutboxEntry(new OutboxEntry(OutboxEntry.Kind.CANCEL, "order", "46", 0, false, null), "r5",
					window);
			assertThat(queue.get("order", "46")).isPresent();
		});
	}

	@Test
	void aRowThatCanNeverBeRelayedIsDroppedAndHoldsUpNoOther() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
			transactions(context).executeWithoutResult((status) -> {
				queue.schedule("order", "before", null, Duration.ofMinutes(30));
				jdbc.sql("insert into delayqueue_outbox (request_id, operation, topic, job_id, due_at, if_absent, job, "
						+ "created_at) values ('bad', 'SCHEDULE', 'order', 'broken', 0, false, '{not json', 0)")
					.update();
				queue.schedule("order", "after", null, Duration.ofMinutes(30));
			});
			await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(JdbcOutbox.class).backlog() == 0);
			assertThat(queue.get("order", "before")).isPresent();
			assertThat(queue.get("order", "after")).isPresent();
			assertThat(queue.get("order", "broken")).isEmpty();
		});
	}

	@Test
	void aReadOnlyTransactionWritesAfterItsCommitInstead() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			TransactionTemplate readOnly = transactions(context);
			readOnly.setReadOnly(true);
			ScheduleResult result = readOnly
				.execute((status) -> queue.schedule("order", "47", null, Duration.ofMinutes(30)));
			assertThat(result).isEqualTo(ScheduleResult.AFTER_COMMIT);
			assertThat(queue.get("order", "47")).isPresent();
			assertThat(context.getBean(JdbcOutbox.class).backlog()).isZero();
		});
	}

	private static OutboxEntry schedule(String id, long due) {
		return new OutboxEntry(OutboxEntry.Kind.SCHEDULE, "order", id, due, false, new StoredJob(id, due, null, null));
	}

	@Test
	void twoInstancesRelayingAtOnceKeepEachJobsChangesInOrder() {
		String prefix = TestRedis.uniquePrefix();
		ApplicationContextRunner instance = this.runner.withPropertyValues("delayqueue.redis.key-prefix=" + prefix,
				"delayqueue.outbox.batch-size=7");
		instance.run((a) -> instance.run((b) -> {
			ExecutorService threads = Executors.newFixedThreadPool(4);
			List<Future<?>> writes = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				AssertableApplicationContext context = (t % 2 == 0) ? a : b;
				int thread = t;
				writes.add(threads.submit(() -> {
					DelayQueue queue = context.getBean(DelayQueue.class);
					for (int i = 0; i < 50; i++) {
						String id = thread + "-" + i;
						transactions(context).executeWithoutResult((status) -> {
							queue.schedule(JobRequest.builder("order", id).delay(Duration.ofMinutes(30)).build());
							if (id.hashCode() % 2 == 0) {
								queue.cancel("order", id);
							}
						});
					}
					return null;
				}));
			}
			for (Future<?> write : writes) {
				write.get();
			}
			threads.shutdown();
			await().atMost(Duration.ofSeconds(20)).until(() -> a.getBean(JdbcOutbox.class).backlog() == 0);
			DelayQueue queue = a.getBean(DelayQueue.class);
			for (int t = 0; t < 4; t++) {
				for (int i = 0; i < 50; i++) {
					String id = t + "-" + i;
					assertThat(queue.get("order", id).isPresent()).as(id).isEqualTo(id.hashCode() % 2 != 0);
				}
			}
		}));
	}

	@Test
	void theOutboxWithoutADataSourceFailsTheStartup() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					DelayQueueAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + TestRedis.port(), "delayqueue.worker.enabled=false",
					"delayqueue.outbox.enabled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.outbox.enabled=true needs a single (or primary) DataSource"));
	}

	private static TransactionTemplate transactions(org.springframework.context.ApplicationContext context) {
		return new TransactionTemplate(new DataSourceTransactionManager(context.getBean(DataSource.class)));
	}

}
