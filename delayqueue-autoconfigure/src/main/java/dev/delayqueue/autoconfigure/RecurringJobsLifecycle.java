package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.RecurringJob;
import dev.delayqueue.store.DefaultDelayQueue;
import dev.delayqueue.store.RecurringDefinition;
import dev.delayqueue.store.RecurringSchedules;

import org.springframework.context.SmartLifecycle;

/**
 * Declares the recurring jobs of {@code delayqueue.recurring.*} when the application starts, removes those its
 * application declared before and no longer does (unless {@code delayqueue.remove-undeclared-recurring-jobs=false}),
 * and then, every {@link #RECONCILE_INTERVAL}, stores an occurrence for any recurring job that has none. When Redis
 * cannot be reached at startup the application starts anyway and the declarations are tried again every
 * {@link #RETRY_INTERVAL} on the thread {@code delayqueue-recurring}.
 * <p>
 * Threads: {@link #start()} and {@link #stop()} on the container's thread; the background thread owns the rest.
 */
final class RecurringJobsLifecycle implements SmartLifecycle {

	/** How often every instance checks that each recurring job has a pending occurrence. */
	static final Duration RECONCILE_INTERVAL = Duration.ofMinutes(1);

	/** How soon declarations that failed at startup are tried again. */
	static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(RecurringJobsLifecycle.class);

	private final DelayQueue queue;

	private final List<RecurringJob> declared;

	private final String declaredIn;

	private final boolean removeUndeclared;

	private volatile boolean declaredAll;

	private volatile @Nullable Thread thread;

	RecurringJobsLifecycle(DelayQueue queue, List<RecurringJob> declared, String applicationName,
			boolean removeUndeclared) {
		this.queue = queue;
		this.declared = declared;
		this.declaredIn = RecurringDefinition.CONFIGURATION + ":" + applicationName;
		this.removeUndeclared = removeUndeclared;
	}

	@Override
	public void start() {
		try {
			declareAll();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not declare the recurring jobs of delayqueue.recurring.* at startup; trying again every "
					+ "{} s in the background: {}", RETRY_INTERVAL.toSeconds(), ex.toString());
		}
		if (this.queue instanceof DefaultDelayQueue) {
			Thread background = new Thread(this::run, "delayqueue-recurring");
			background.setDaemon(true);
			this.thread = background;
			background.start();
		}
	}

	@Override
	public void stop() {
		Thread background = this.thread;
		this.thread = null;
		if (background != null) {
			background.interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.thread != null || (this.declaredAll && !(this.queue instanceof DefaultDelayQueue));
	}

	/** After the worker, so that it is running when the first occurrences are stored. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 512;
	}

	/** Whether every configured recurring job has been declared since startup. */
	boolean declaredAll() {
		return this.declaredAll;
	}

	private void declareAll() {
		if (this.declaredAll) {
			return;
		}
		for (RecurringJob job : this.declared) {
			if (this.queue instanceof DefaultDelayQueue queue) {
				queue.recurringSchedules().declare(job, this.declaredIn);
			}
			else {
				this.queue.scheduleRecurring(job);
			}
		}
		if (this.removeUndeclared && this.queue instanceof DefaultDelayQueue queue) {
			List<String> removed = queue.recurringSchedules()
				.removeUndeclared(this.declaredIn, this.declared.stream().map(RecurringJob::name).toList());
			if (!removed.isEmpty()) {
				logger.info("Removed recurring jobs {}: {} declared them and no longer does "
						+ "(delayqueue.remove-undeclared-recurring-jobs=false keeps them)", removed, this.declaredIn);
			}
		}
		this.declaredAll = true;
	}

	private void run() {
		RecurringSchedules schedules = ((DefaultDelayQueue) this.queue).recurringSchedules();
		while (this.thread == Thread.currentThread()) {
			long waitMillis = RECONCILE_INTERVAL.toMillis();
			try {
				if (!this.declaredAll) {
					waitMillis = RETRY_INTERVAL.toMillis();
					declareAll();
					logger.info("Declared the recurring jobs of delayqueue.recurring.*");
					waitMillis = RECONCILE_INTERVAL.toMillis();
				}
				else {
					schedules.reconcile();
				}
			}
			catch (UnsupportedOperationException ex) {
				logger.info("The job store keeps no recurring jobs: {}", ex.getMessage());
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("Could not {} recurring jobs: {}", this.declaredAll ? "check the" : "declare the",
						ex.toString());
			}
			try {
				TimeUnit.MILLISECONDS.sleep(waitMillis);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

}
