package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.faults.FaultSupport.Client;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox on a real PostgreSQL (initdb and pg_ctl from Debian's package, on a free port): an application JVM
 * writes orders, each with its time-out job, one transaction per order, every fifth rolled back, and is killed with
 * SIGKILL while it writes and relays. It reaches Redis through 10 ms of latency, so its relay lags behind its
 * commits: at the kill some committed rows are not relayed yet, and a batch may be in Redis with its rows not yet
 * deleted. A second JVM that only relays starts after it. Every committed order has its job in Redis, stored once;
 * no rolled-back order has one; the outbox is empty.
 */
class OutboxFaultTests {

	@TempDir
	Path dir;

	@RegisterExtension
	final Resources resources = new Resources();

	@Test
	void anApplicationKilledBetweenCommitAndRelayLosesNoJobAndDoublesNone() throws Exception {
		Assumptions.assumeTrue(PostgresProcess.available(), "PostgreSQL is not installed (apt-get install postgresql)");
		PostgresProcess postgres = this.resources.add(PostgresProcess.start());
		SimpleDriverDataSource database = new SimpleDriverDataSource(new org.postgresql.Driver(), postgres.jdbcUrl());
		JdbcClient jdbc = JdbcClient.create(database);
		jdbc.sql("create table orders (id varchar(64) primary key, status varchar(16) not null)").update();
		String prefix = "outbox-" + Long.toHexString(System.nanoTime());
		RedisServerProcess redis = this.resources.add(FaultSupport.redis(this.dir.resolve("redis"), false));
		Client client = this.resources.add(new Client(redis.port(), prefix));
		Path logs = Files.createDirectories(this.dir.resolve("logs"));
		RedisConnection connection = RedisConnection.standalone(redis.port());
		int orders = FaultSupport.size(1_000, 5_000);
		String[] outbox = { "faults.jdbc-url=" + postgres.jdbcUrl(), "delayqueue.outbox.enabled=true",
				"delayqueue.outbox.initialize-schema=true", "delayqueue.worker.enabled=false" };
		// the writer reaches Redis through 10 ms of latency each way: its relay falls behind its commits, so the kill
		// leaves committed rows not relayed, and likely a batch written to Redis whose rows are not deleted yet
		FlakyProxy slow = this.resources.add(new FlakyProxy(redis.port()));
		slow.latency(Duration.ofMillis(10), Duration.ZERO);
		WorkerProcess writer = this.resources.add(WorkerProcess.start(OutboxApplication.class, logs, "writer",
				Map.of(), RedisConnection.standalone(slow.port()), prefix, concat(outbox, "faults.orders=" + orders)));
		writer.awaitReady();
		// killed half-way through its orders, while it commits and relays
		FaultSupport.await(() -> count(jdbc, "select count(*) from orders") >= orders * 2 / 5, Duration.ofSeconds(120),
				"half of the orders committed");
		writer.kill();
		long committed = count(jdbc, "select count(*) from orders");
		long backlogAtKill = count(jdbc, "select count(*) from delayqueue_outbox");
		// rows whose change is in Redis already (its marker, in the job's slot, says so) though the row is not deleted
		long relayedNotDeleted = jdbc.sql("select request_id from delayqueue_outbox").query(String.class).list().stream()
			.filter((request) -> Boolean.TRUE.equals(client.redis.hasKey(prefix + ":{order}:req:" + request)))
			.count();
		WorkerProcess relay = this.resources.add(WorkerProcess.start(OutboxApplication.class, logs, "relay", Map.of(),
				connection, prefix, outbox));
		relay.awaitReady();
		try {
			FaultSupport.await(() -> count(jdbc, "select count(*) from delayqueue_outbox") == 0,
					Duration.ofSeconds(60), "the outbox relayed");
		}
		catch (AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "; " + count(jdbc, "select count(*) from delayqueue_outbox")
					+ " rows left; the relay's output:\n" + relay.output(), ex);
		}
		relay.terminate(30);
		List<String> committedIds = jdbc.sql("select id from orders").query(String.class).list();
		Map<String, String> status = new HashMap<>();
		jdbc.sql("select id, status from orders").query((row) -> {
			status.put(row.getString("id"), row.getString("status"));
		});
		long now = System.currentTimeMillis();
		long wrong = 0;
		for (Map.Entry<String, String> order : status.entrySet()) {
			var job = client.queue.get("order", order.getKey());
			boolean right = switch (order.getValue()) {
				case "PAID" -> job.isEmpty();
				case "MOVED" -> job.isPresent() && job.get().dueAt().toEpochMilli() > now + 90 * 60_000;
				default -> job.isPresent() && job.get().dueAt().toEpochMilli() < now + 70 * 60_000;
			};
			wrong += right ? 0 : 1;
		}
		long paid = status.values().stream().filter("PAID"::equals).count();
		long moved = status.values().stream().filter("MOVED"::equals).count();
		Set<String> rolledBack = new HashSet<>();
		int last = committedIds.stream().mapToInt((id) -> Integer.parseInt(id.substring(1))).max().orElse(0);
		for (int i = 0; i <= last; i += 5) {
			rolledBack.add("o" + i);
		}
		Map<String, Integer> stored = new HashMap<>();
		long replaced = 0;
		for (String line : lines(logs)) {
			String[] parts = line.split(" ");
			if (parts.length == 3 && parts[0].equals("S")) {
				stored.merge(parts[1], 1, Integer::sum);
				replaced += parts[2].startsWith("REPLACED") ? 1 : 0;
			}
		}
		long missing = committedIds.stream()
			.filter((id) -> !"PAID".equals(status.get(id)) && client.queue.get("order", id).isEmpty())
			.count();
		long ghosts = rolledBack.stream().filter((id) -> client.queue.get("order", id).isPresent()).count();
		long twice = stored.values().stream().filter((n) -> n > 1).count();
		long pending = client.queue.stats("order").pending();
		String notes = String.format("PostgreSQL %s, %,d orders written one transaction each (every fifth rolled back), "
				+ "writer SIGKILLed at %,d committed with %,d rows not yet deleted, %,d of them already in Redis (relayed "
				+ "when it died: relayed again without effect); a relay-only "
				+ "JVM after it: %,d committed orders, %d jobs missing, %d rolled-back orders with a job, %d "
				+ "stored twice, %d replaced, %,d jobs pending; %,d orders paid (job cancelled) and %,d moved (job "
				+ "rescheduled) in a second transaction, %d jobs not as their order says",
				PostgresProcess.binaries().get().getParent().getFileName(),
				orders, committed, backlogAtKill, relayedNotDeleted,
				committedIds.size(), missing, ghosts, twice,
				replaced, pending, paid, moved, wrong);
		FaultSupport.write(String.format("| Outbox: application SIGKILLed between commit and relay | %,d | %,d | %d | "
				+ "%d | 0 | - | %s |", committedIds.size(), committedIds.size() - missing, missing, twice, notes));
		System.out.println("FAULTS " + notes);
		assertThat(missing).as("committed orders without their job").isZero();
		assertThat(ghosts).as("rolled-back orders with a job").isZero();
		assertThat(twice).as("jobs stored twice").isZero();
		assertThat(replaced).as("jobs stored again over themselves").isZero();
		assertThat(wrong).as("jobs not as their order says (paid: none; moved: two hours ahead; else one hour)")
			.isZero();
		assertThat(pending).as("exactly the jobs of committed orders not paid").isEqualTo(committedIds.size() - paid);
		assertThat(paid).isPositive();
		assertThat(moved).isPositive();
		assertThat(committedIds).as("the writer was killed before it finished").hasSizeLessThan(orders * 4 / 5);
	}

	private static long count(JdbcClient jdbc, String sql) {
		try {
			return jdbc.sql(sql).query(Long.class).single();
		}
		catch (RuntimeException ex) {
			return -1; // the outbox table is not created yet
		}
	}

	private static String[] concat(String[] first, String... more) {
		return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
	}

	private static List<String> lines(Path logs) {
		try (Stream<Path> files = Files.list(logs)) {
			return files.filter((f) -> f.toString().endsWith(".log")).flatMap((f) -> {
				try {
					return Files.readAllLines(f).stream();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
