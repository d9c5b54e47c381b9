package dev.delayqueue.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayQueueUnavailableException;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TestRedis;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.event.DelayQueueListener;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The order row and its time-out job in one database transaction (H2): the job is written after the commit and not
 * at all on a rollback, in call order, unless {@code delayqueue.transaction.mode=immediate}.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransactionBindingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(), "delayqueue.worker.enabled=false",
				"delayqueue.redis.key-prefix=tx-" + Long.toHexString(System.nanoTime()))
		.withBean(DataSource.class,
				() -> new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
					.generateUniqueName(true)
					.addScript("classpath:dev/delayqueue/store/orders.sql")
					.build())
		.withBean(Heard.class);

	@Test
	void theJobIsWrittenWhenTheTransactionCommits() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
			ScheduleResult result = transactions(context).execute((status) -> {
				jdbc.sql("insert into orders (id, status) values ('42', 'UNPAID')").update();
				ScheduleResult scheduled = queue.schedule("order", "42", null, Duration.ofMinutes(30));
				assertThat(queue.get("order", "42")).as("not before the commit").isEmpty();
				return scheduled;
			});
			assertThat(result).isEqualTo(ScheduleResult.AFTER_COMMIT);
			assertThat(result.stored()).isFalse();
			assertThat(queue.get("order", "42")).map((job) -> job.state()).hasValue(JobState.PENDING);
			assertThat(jdbc.sql("select count(*) from orders").query(Long.class).single()).isEqualTo(1);
			assertThat(context.getBean(Heard.class).scheduled).as("listeners hear what the commit did")
				.containsExactly("order 42 CREATED");
		});
	}

	@Test
	void nothingIsWrittenWhenTheTransactionRollsBack() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
			transactions(context).executeWithoutResult((status) -> {
				jdbc.sql("insert into orders (id, status) values ('43', 'UNPAID')").update();
				queue.schedule("order", "43", null, Duration.ofMinutes(30));
				status.setRollbackOnly();
			});
			assertThat(queue.get("order", "43")).isEmpty();
			assertThat(jdbc.sql("select count(*) from orders").query(Long.class).single()).isZero();
			assertThat(context.getBean(Heard.class).scheduled).isEmpty();
		});
	}

	@Test
	void writesAreMadeInCallOrderAndCancelAndRescheduleSayWhatTheJobIsNow() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("order", "old", null, Duration.ofMinutes(30)); // outside a transaction: at once
			Instant later = Instant.now().plus(Duration.ofHours(2));
			transactions(context).executeWithoutResult((status) -> {
				queue.schedule("order", "44", null, Duration.ofMinutes(30));
				assertThat(queue.cancel("order", "44")).as("not written yet").isFalse();
				assertThat(queue.reschedule("order", "old", later)).hasValue(JobState.PENDING);
				assertThat(queue.cancel("order", "old")).as("exists now").isTrue();
				queue.schedule("order", "old", null, later);
			});
			assertThat(queue.get("order", "44")).as("scheduled, then cancelled").isEmpty();
			assertThat(queue.get("order", "old")).as("moved, cancelled, scheduled again")
				.hasValueSatisfying((job) -> assertThat(job.dueAt()).isEqualTo(later.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
		});
	}

	@Test
	void badInputFailsAtTheCallNotAtTheCommit() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			assertThatExceptionOfType(InvalidJobException.class).isThrownBy(() -> transactions(context)
				.executeWithoutResult((status) -> queue.schedule("bad topic!", "1", null, Duration.ZERO)))
				.withMessageContaining("topic");
		});
	}

	@Test
	void anInnerTransactionOfItsOwnWritesAtItsOwnCommit() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			TransactionTemplate outer = transactions(context);
			TransactionTemplate inner = transactions(context);
			inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			outer.executeWithoutResult((status) -> {
				inner.executeWithoutResult((innerStatus) -> queue.schedule("order", "inner", null, Duration.ofHours(1)));
				assertThat(queue.get("order", "inner")).as("written at the inner commit").isPresent();
				queue.schedule("order", "outer", null, Duration.ofHours(1));
				status.setRollbackOnly();
			});
			assertThat(queue.get("order", "outer")).isEmpty();
		});
	}

	@Test
	void aNestedTransactionRolledBackToItsSavepointDropsItsWritesOnly() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			TransactionTemplate outer = transactions(context);
			TransactionTemplate nested = transactions(context);
			nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
			outer.executeWithoutResult((status) -> {
				queue.schedule("order", "kept", null, Duration.ofHours(1));
				nested.executeWithoutResult((inner) -> {
					queue.schedule("order", "dropped", null, Duration.ofHours(1));
					inner.setRollbackOnly();
				});
				queue.schedule("order", "after", null, Duration.ofHours(1));
			});
			assertThat(queue.get("order", "kept")).isPresent();
			assertThat(queue.get("order", "dropped")).isEmpty();
			assertThat(queue.get("order", "after")).isPresent();
		});
	}

	@Test
	void callsMadeWhileTheTransactionCommitsAreWrittenToo() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			context.getBean(Heard.class).chain = queue;
			transactions(context).executeWithoutResult((status) -> {
				// as an application's own after-commit hook would, before delayqueue's exists
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCommit() {
						queue.schedule("order", "from-hook", null, Duration.ofHours(1));
					}

				});
				queue.schedule("order", "chained", null, Duration.ofHours(1));
			});
			assertThat(queue.get("order", "from-hook")).as("scheduled in another synchronization's afterCommit")
				.isPresent();
			assertThat(queue.get("order", "chained-next")).as("scheduled by a listener during the writes").isPresent();
		});
	}

	@Test
	void immediateModeWritesAtOnceWhateverTheTransactionDoes() {
		this.runner.withPropertyValues("delayqueue.transaction.mode=immediate").run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			transactions(context).executeWithoutResult((status) -> {
				assertThat(queue.schedule("order", "45", null, Duration.ofMinutes(30))).isEqualTo(ScheduleResult.CREATED);
				status.setRollbackOnly();
			});
			assertThat(queue.get("order", "45")).as("Redis is not part of the transaction").isPresent();
		});
	}

	@Test
	void aWriteThatFailsAfterTheCommitIsThrownToTheCallerAndLogged(CapturedOutput output) {
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			this.runner.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.data.redis.timeout=1s")
				.run((context) -> {
					DelayQueue queue = context.getBean(DelayQueue.class);
					JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
					assertThatExceptionOfType(DelayQueueUnavailableException.class)
						.isThrownBy(() -> transactions(context).executeWithoutResult((status) -> {
							jdbc.sql("insert into orders (id, status) values ('46', 'UNPAID')").update();
							queue.schedule(JobRequest.builder("order", "46").delay(Duration.ofMinutes(30)).build());
							queue.schedule("order", "47", null, Duration.ofMinutes(30));
							redis.kill();
						}));
					assertThat(jdbc.sql("select count(*) from orders").query(Long.class).single())
						.as("the order is committed").isEqualTo(1);
					assertThat(output.getOut()).contains("delayqueue could not schedule 1 job(s) after the transaction "
							+ "committed: the transaction's data is committed, this change to the jobs is not");
				});
		}
	}

	private static TransactionTemplate transactions(org.springframework.context.ApplicationContext context) {
		return new TransactionTemplate(new DataSourceTransactionManager(context.getBean(DataSource.class)));
	}

	static class Heard implements DelayQueueListener {

		final List<String> scheduled = new CopyOnWriteArrayList<>();

		volatile DelayQueue chain;

		@Override
		public void onScheduled(String topic, String id, Instant dueAt, ScheduleResult result) {
			this.scheduled.add(topic + " " + id + " " + result);
			DelayQueue queue = this.chain;
			if (queue != null && id.equals("chained")) {
				queue.schedule(topic, "chained-next", null, Duration.ofHours(1));
			}
		}

	}

}
