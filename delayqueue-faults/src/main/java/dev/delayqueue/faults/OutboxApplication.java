package dev.delayqueue.faults;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.event.DelayQueueListener;

/**
 * An application writing orders with their time-out jobs through the outbox, in PostgreSQL ({@code faults.jdbc-url}).
 * With {@code faults.orders=N} it runs N transactions, one per order {@code o<i>} from {@code faults.first} (0 by
 * default): each inserts the order and schedules the job {@code ("order", "o<i>")} an hour ahead; every fifth
 * ({@code i % 5 == 0}) rolls back. Of the others, a second transaction pays every seventh ({@code i % 7 == 3}: status
 * {@code PAID}, the job cancelled) and moves every eleventh ({@code i % 11 == 4}: status {@code MOVED}, the job
 * rescheduled two hours ahead). It appends {@code S <id> <result>} to {@code faults.log} (one unbuffered write,
 * surviving a SIGKILL) when the relay stored a job, and writes {@code faults.log}{@code .ready} once started and
 * {@code faults.log}{@code .done} once its orders are written. The relay runs unless {@code delayqueue.outbox.relay=false}.
 * It halts when the JVM that started it exits.
 */
@EnableAutoConfiguration // not a @Configuration: FaultWorkerApplication's component scan must not find it
public class OutboxApplication {

	public static void main(String[] args) {
		ProcessHandle.current().parent().ifPresent((parent) -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
		SpringApplication application = new SpringApplication(OutboxApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setKeepAlive(true); // delayqueue's threads are daemons: a relay-only instance would exit at once
		application.run(args);
	}

	@Bean
	DataSource dataSource(@Value("${faults.jdbc-url}") String url) {
		return new SimpleDriverDataSource(new org.postgresql.Driver(), url);
	}

	@Bean
	DataSourceTransactionManager transactionManager(DataSource dataSource) {
		return new DataSourceTransactionManager(dataSource);
	}

	@Bean
	DelayQueueListener relayLog(@Value("${faults.log}") String log) throws IOException {
		FileOutputStream out = new FileOutputStream(log, true);
		return new DelayQueueListener() {
			@Override
			public void onScheduled(String topic, String id, Instant dueAt, ScheduleResult result) {
				if (result == ScheduleResult.AFTER_COMMIT) {
					return;
				}
				try {
					synchronized (out) {
						out.write(("S " + id + " " + result + "\n").getBytes(StandardCharsets.UTF_8));
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		};
	}

	@EventListener(ApplicationReadyEvent.class)
	void writeOrders(ApplicationReadyEvent event) throws IOException {
		var context = event.getApplicationContext();
		var environment = context.getEnvironment();
		String log = environment.getRequiredProperty("faults.log");
		Files.writeString(Path.of(log + ".ready"), "ready");
		int orders = environment.getProperty("faults.orders", Integer.class, 0);
		int first = environment.getProperty("faults.first", Integer.class, 0);
		DelayQueue queue = context.getBean(DelayQueue.class);
		JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
		TransactionTemplate transactions = new TransactionTemplate(context.getBean(DataSourceTransactionManager.class));
		for (int i = first; i < first + orders; i++) {
			String id = "o" + i;
			boolean rollBack = i % 5 == 0;
			transactions.executeWithoutResult((status) -> {
				jdbc.sql("insert into orders (id, status) values (?, 'UNPAID')").param(id).update();
				queue.schedule("order", id, null, Duration.ofHours(1));
				if (rollBack) {
					status.setRollbackOnly();
				}
			});
			if (!rollBack && i % 7 == 3) {
				transactions.executeWithoutResult((status) -> {
					jdbc.sql("update orders set status = 'PAID' where id = ?").param(id).update();
					queue.cancel("order", id);
				});
			}
			else if (!rollBack && i % 11 == 4) {
				transactions.executeWithoutResult((status) -> {
					jdbc.sql("update orders set status = 'MOVED' where id = ?").param(id).update();
					queue.reschedule("order", id, Instant.now().plus(Duration.ofHours(2)));
				});
			}
		}
		if (orders > 0) {
			Files.writeString(Path.of(log + ".done"), "done");
		}
	}

}
