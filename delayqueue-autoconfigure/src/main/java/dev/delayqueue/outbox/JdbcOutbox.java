package dev.delayqueue.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayQueueUnavailableException;
import dev.delayqueue.JobCallback;
import dev.delayqueue.store.CallbackMaps;
import dev.delayqueue.store.Outbox;
import dev.delayqueue.store.OutboxEntry;
import dev.delayqueue.store.StoredJob;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.StreamUtils;

/**
 * The outbox in a table of the application's database, reached through its {@link DataSource}. Inside a transaction
 * that holds a connection of that DataSource (Spring's {@code DataSourceTransactionManager}, {@code JdbcClient},
 * JPA with the same DataSource), {@link #write} inserts one row per change on that connection, so the rows commit
 * or roll back with the application's own; after the commit it nudges the relay. {@link #relay(Applier, int)} reads
 * the oldest rows under a row lock (so instances relaying at once take turns, and changes to one job keep their
 * order), makes each change, and deletes the rows in the same database transaction.
 * <p>
 * Threads: {@link #write} on the application's threads; {@link #relay} on one relay thread per instance.
 *
 * @since 0.2.0
 */
public class JdbcOutbox implements Outbox {

	/** The default table. */
	public static final String DEFAULT_TABLE = "delayqueue_outbox";

	private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Logger logger = LoggerFactory.getLogger(JdbcOutbox.class);

	private final DataSource dataSource;

	private final String table;

	private final Clock clock;

	private final Runnable nudge;

	private final String insert;

	/**
	 * Whether an error of the database says a lock was not granted in time: another instance relays those rows.
	 * @param ex the error
	 * @return for H2's lock timeout and PostgreSQL's lock_not_available
	 */
	public static boolean isLockTimeout(SQLException ex) {
		String state = ex.getSQLState();
		return ex instanceof java.sql.SQLTimeoutException || "HYT00".equals(state) || "55P03".equals(state);
	}

	/**
	 * Creates an outbox.
	 * @param dataSource the application's database
	 * @param table the table, optionally with its schema ({@code app.delayqueue_outbox})
	 * @param clock stamps the rows
	 * @param nudge called after a transaction that wrote rows committed, to relay them at once
	 * @throws IllegalArgumentException when the table name is not a plain SQL name
	 */
	public JdbcOutbox(DataSource dataSource, String table, Clock clock, Runnable nudge) {
		if (!TABLE.matcher(table).matches()) {
			throw new IllegalArgumentException("delayqueue.outbox.table must be a table name, optionally with its "
					+ "schema (letters, digits, underscores), was '" + table + "'");
		}
		this.dataSource = dataSource;
		this.table = table;
		this.clock = clock;
		this.nudge = nudge;
		this.insert = "insert into " + table + " (request_id, operation, topic, job_id, due_at, if_absent, job, "
				+ "created_at) values (?, ?, ?, ?, ?, ?, ?, ?)";
	}

	/**
	 * Returns the table's DDL for PostgreSQL and H2.
	 * @return the {@code create table if not exists} statement
	 */
	public String schema() {
		try (InputStream in = JdbcOutbox.class.getResourceAsStream("schema.sql")) {
			if (in == null) {
				throw new IllegalStateException("dev/delayqueue/outbox/schema.sql is missing");
			}
			String ddl = StreamUtils.copyToString(in, StandardCharsets.UTF_8);
			StringBuilder statement = new StringBuilder();
			ddl.lines().filter((line) -> !line.startsWith("--")).forEach((line) -> statement.append(line).append('\n'));
			return statement.toString().replace(DEFAULT_TABLE, this.table).trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Creates the table unless it exists.
	 */
	public void initializeSchema() {
		new JdbcTemplate(this.dataSource).execute(schema());
	}

	@Override
	public boolean write(List<OutboxEntry> entries) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.isSynchronizationActive()
				|| TransactionSynchronizationManager.isCurrentTransactionReadOnly()
				|| !TransactionSynchronizationManager.hasResource(this.dataSource)) {
			return false;
		}
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try (PreparedStatement statement = connection.prepareStatement(this.insert)) {
			long now = this.clock.millis();
			for (OutboxEntry entry : entries) {
				statement.setString(1, UUID.randomUUID().toString());
				statement.setString(2, entry.kind().name());
				statement.setString(3, entry.topic());
				statement.setString(4, entry.id());
				statement.setLong(5, entry.dueAt());
				statement.setBoolean(6, entry.ifAbsent());
				statement.setString(7, (entry.job() != null) ? writeJob(entry.job()) : null);
				statement.setLong(8, now);
				statement.addBatch();
			}
			statement.executeBatch();
		}
		catch (SQLException ex) {
			throw new OutboxException("Could not write " + entries.size() + " change(s) to the outbox table "
					+ this.table + ": " + ex.getMessage(), ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
		nudgeAfterCommit();
		return true;
	}

	private void nudgeAfterCommit() {
		for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
			if (synchronization instanceof Nudge nudge && nudge.outbox == this) {
				return;
			}
		}
		TransactionSynchronizationManager.registerSynchronization(new Nudge(this));
	}

	/**
	 * Relays the oldest rows, at most {@code limit}: locks them, makes each change in order, deletes them, commits. A
	 * change Redis could not take (unreachable, full) stops the batch: the rows from it on stay (the transaction
	 * deletes only those made), to be relayed again. A row that can never be made (unreadable, refused) is logged at
	 * error and deleted.
	 * @param applier makes one change
	 * @param limit the most rows to relay
	 * @return how many rows were relayed
	 * @throws SQLException when the database fails (nothing is deleted)
	 */
	public int relay(Applier applier, int limit) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			try {
				List<Long> done = new ArrayList<>();
				RuntimeException failure = null;
				try (Statement select = connection.createStatement();
						ResultSet rows = select.executeQuery("select id, request_id, operation, topic, job_id, due_at, "
								+ "if_absent, job from " + this.table + " order by id fetch first " + limit
								+ " rows only for update")) {
					while (rows.next() && failure == null) {
						long id = rows.getLong("id");
						try {
							applier.apply(entry(rows), rows.getString("request_id"));
							done.add(id);
						}
						catch (DelayQueueUnavailableException | DataAccessException ex) {
							failure = ex; // Redis unreachable or full: this row and those after it wait
						}
						catch (RuntimeException ex) {
							// a row that can never be made (unreadable, refused): dropped, so that it holds up no other
							logger.error("Dropping outbox row {} of {}, which cannot be relayed: {} (operation {}, topic '{}', "
									+ "job '{}', due {}, job {})", id, this.table, ex.toString(), rows.getString("operation"),
									rows.getString("topic"), rows.getString("job_id"), rows.getLong("due_at"),
									rows.getString("job"), ex);
							done.add(id);
						}
					}
				}
				if (!done.isEmpty()) {
					try (PreparedStatement delete = connection
						.prepareStatement("delete from " + this.table + " where id = ?")) {
						for (long id : done) {
							delete.setLong(1, id);
							delete.addBatch();
						}
						delete.executeBatch();
					}
				}
				connection.commit();
				if (failure != null) {
					throw failure;
				}
				return done.size();
			}
			catch (SQLException | RuntimeException ex) {
				safeRollback(connection);
				throw ex;
			}
			finally {
				connection.setAutoCommit(autoCommit);
			}
		}
	}

	@Override
	public long oldestAgeMillis(long now) {
		Long oldest = new JdbcTemplate(this.dataSource).queryForObject("select min(created_at) from " + this.table,
				Long.class);
		return (oldest != null) ? Math.max(0, now - oldest) : 0;
	}

	@Override
	public long backlog() {
		Long count = new JdbcTemplate(this.dataSource).queryForObject("select count(*) from " + this.table, Long.class);
		return (count != null) ? count : 0;
	}

	private static void safeRollback(Connection connection) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			// the connection is broken: the database rolls the transaction back with it
		}
	}

	private static OutboxEntry entry(ResultSet row) throws SQLException {
		OutboxEntry.Kind kind = OutboxEntry.Kind.valueOf(row.getString("operation"));
		String id = row.getString("job_id");
		long due = row.getLong("due_at");
		String job = row.getString("job");
		return new OutboxEntry(kind, row.getString("topic"), id, due, row.getBoolean("if_absent"),
				(kind == OutboxEntry.Kind.SCHEDULE) ? readJob(id, due, job) : null);
	}

	static String writeJob(StoredJob job) {
		Map<String, Object> stored = new LinkedHashMap<>();
		stored.put("body", job.body());
		stored.put("max", job.maxAttempts());
		JobCallback callback = job.callback();
		if (callback != null) {
			stored.put("callback", CallbackMaps.write(callback));
		}
		Backoff backoff = job.backoff();
		if (backoff != null) {
			stored.put("backoff", Map.of("initial", backoff.initialInterval().toMillis(), "multiplier",
					backoff.multiplier(), "max", backoff.maxInterval().toMillis()));
		}
		stored.put("trace", job.traceContext());
		return JSON.writeValueAsString(stored);
	}

	@SuppressWarnings("unchecked")
	static StoredJob readJob(String id, long due, @Nullable String json) {
		if (json == null) {
			throw new IllegalStateException("Outbox row of job '" + id + "' has no job");
		}
		Map<String, Object> stored = JSON.readValue(json, Map.class);
		JobCallback callback = (stored.get("callback") instanceof Map<?, ?> cb) ? CallbackMaps.read(cb) : null;
		Backoff backoff = null;
		if (stored.get("backoff") instanceof Map<?, ?> bo) {
			backoff = new Backoff(Duration.ofMillis(((Number) bo.get("initial")).longValue()),
					((Number) bo.get("multiplier")).doubleValue(),
					Duration.ofMillis(((Number) bo.get("max")).longValue()));
		}
		Number max = (Number) stored.get("max");
		return new StoredJob(id, due, (String) stored.get("body"), (max != null) ? max.intValue() : null, callback,
				backoff, (String) stored.get("trace"));
	}

	/**
	 * Makes one change read from the outbox.
	 */
	@FunctionalInterface
	public interface Applier {

		/**
		 * Makes the change.
		 * @param entry the change
		 * @param requestId the row's request id, unique across rows
		 */
		void apply(OutboxEntry entry, String requestId);

	}

	/** Nudges the relay once the transaction that wrote rows committed. */
	private static final class Nudge implements TransactionSynchronization {

		private final JdbcOutbox outbox;

		Nudge(JdbcOutbox outbox) {
			this.outbox = outbox;
		}

		@Override
		public void afterCommit() {
			this.outbox.nudge.run();
		}

	}

}
