package dev.delayqueue.outbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.store.DefaultDelayQueue;
import dev.delayqueue.store.OutboxRelayer;

import org.springframework.context.SmartLifecycle;

/**
 * The thread {@code delayqueue-outbox}: relays the outbox's rows to the store, at once when a transaction that wrote
 * some commits ({@link #wake()}), and every poll interval as a safety net (rows of an instance that died before its
 * relay ran, rows left when Redis was unreachable). Errors back off, doubling up to 30 s.
 * <p>
 * Threads: {@link #wake()} from any thread; the rest on the relay thread and the container's.
 *
 * @since 0.2.0
 */
public class OutboxRelay implements SmartLifecycle, OutboxRelayer {

	private static final Logger logger = LoggerFactory.getLogger(OutboxRelay.class);

	private static final long MAX_BACKOFF_MILLIS = 30_000;

	private final JdbcOutbox outbox;

	private final DefaultDelayQueue queue;

	private final Duration pollInterval;

	private final int batchSize;

	private final Duration dedupWindow;

	private volatile @Nullable Thread thread;

	private volatile boolean woken;

	/**
	 * Creates the relay.
	 * @param outbox the outbox
	 * @param queue makes the changes
	 * @param pollInterval the longest wait between two looks at the table
	 * @param batchSize the most rows relayed in one database transaction
	 * @param dedupWindow how long Redis remembers a relayed schedule request
	 */
	public OutboxRelay(JdbcOutbox outbox, DefaultDelayQueue queue, Duration pollInterval, int batchSize,
			Duration dedupWindow) {
		this.outbox = outbox;
		this.queue = queue;
		this.pollInterval = pollInterval;
		this.batchSize = batchSize;
		this.dedupWindow = dedupWindow;
	}

	/** Relays at once: a transaction that wrote rows committed. */
	public void wake() {
		this.woken = true;
		Thread relay = this.thread;
		if (relay != null) {
			LockSupport.unpark(relay);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Rows another instance holds locked longer than the database's lock timeout are left to it: relayed none.
	 */
	@Override
	public int relayAll() throws Exception {
		int total = 0;
		int relayed;
		do {
			try {
				relayed = this.outbox.relay(
						(entry, requestId) -> this.queue.applyOutboxEntry(entry, requestId, this.dedupWindow),
						this.batchSize);
			}
			catch (java.sql.SQLException ex) {
				if (JdbcOutbox.isLockTimeout(ex)) {
					return total;
				}
				throw ex;
			}
			total += relayed;
		}
		while (relayed == this.batchSize);
		return total;
	}

	@Override
	public long backlog() {
		return this.outbox.backlog();
	}

	@Override
	public void start() {
		Thread relay = new Thread(this::run, "delayqueue-outbox");
		relay.setDaemon(true);
		this.thread = relay;
		relay.start();
	}

	@Override
	public void stop() {
		Thread relay = this.thread;
		this.thread = null;
		if (relay != null) {
			relay.interrupt();
			try {
				relay.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

	private void run() {
		long backoff = 0;
		int failures = 0;
		while (this.thread == Thread.currentThread()) {
			this.woken = false;
			try {
				relayAll();
				if (failures > 0) {
					logger.info("The outbox relays again after {} failure(s)", failures);
				}
				failures = 0;
				backoff = 0;
			}
			catch (Exception ex) {
				failures++;
				backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(100, backoff * 2));
				// the first few, then every 20th (ten minutes apart at the longest back-off): a stuck outbox stays heard
				if (failures <= 3 || failures % 20 == 0) {
					logger.warn("Could not relay the outbox ({} failure(s) in a row, next try in {} ms): {}", failures,
							backoff, ex.toString());
				}
			}
			if (Thread.interrupted() || this.thread != Thread.currentThread()) {
				return;
			}
			long waitNanos = TimeUnit.MILLISECONDS.toNanos((backoff > 0) ? backoff : this.pollInterval.toMillis());
			long deadline = System.nanoTime() + waitNanos;
			while (!this.woken || backoff > 0) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || this.thread != Thread.currentThread()) {
					break;
				}
				LockSupport.parkNanos(this, left);
				if (Thread.interrupted()) {
					return;
				}
			}
		}
	}

}
