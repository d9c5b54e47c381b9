package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.RecurringJob;
import dev.delayqueue.store.DefaultDelayQueue;
import dev.delayqueue.store.RecurringDefinition;
import dev.delayqueue.store.RecurringSchedules;

import org.springframework.context.SmartLifecycle;

/**
 * Declares the recurring jobs of {@code delayqueue.recurring.*} when the application starts, removes those its
 * application ({@code spring.application.name}, when set) declared before and no longer does (unless
 * {@code delayqueue.remove-undeclared-recurring-jobs=false}, or this instance declares none), and then, every {@link #RECONCILE_INTERVAL}, stores an occurrence for any recurring job that has none. When Redis
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

	/** Names declared (or refused for good) so far; the container's thread, then the background thread. */
	private final Set<String> done = ConcurrentHashMap.newKeySet();

	private volatile @Nullable Thread thread;

	/**
	 * Creates the lifecycle.
	 * @param queue the queue
	 * @param declared the recurring jobs of the configuration
	 * @param applicationName {@code spring.application.name}, or {@code null} when not set: recurring jobs are then
	 * never removed, since applications without a name cannot be told apart
	 * @param removeUndeclared whether to remove those the application declared before and no longer does
	 */
	RecurringJobsLifecycle(DelayQueue queue, List<RecurringJob> declared, @Nullable String applicationName,
			boolean removeUndeclared) {
		this.queue = queue;
		this.declared = declared;
		this.declaredIn = RecurringDefinition.CONFIGURATION + ":"
				+ ((applicationName != null) ? applicationName : "application");
		this.removeUndeclared = removeUndeclared && applicationName != null;
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

	/**
	 * After the clock has read Redis's time ({@code DEFAULT_PHASE - 300}), so that the first occurrences are planned
	 * on it; before the worker.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 256;
	}

	/**
	 * Declares what is left to declare. A declaration refused for good ({@link InvalidJobException}: a job that is
	 * not its occurrence has its name, the callback is not allowed) is logged at error and not tried again; any other
	 * failure (Redis unreachable) is thrown, and what is left is tried again later.
	 */
	private void declareAll() {
		if (this.declaredAll) {
			return;
		}
		for (RecurringJob job : this.declared) {
			if (!this.done.add(job.name())) {
				continue;
			}
			try {
				if (this.queue instanceof DefaultDelayQueue queue) {
					queue.recurringSchedules().declare(job, this.declaredIn);
				}
				else {
					this.queue.scheduleRecurring(job);
				}
			}
			catch (InvalidJobException ex) {
				logger.error("Recurring job '{}' of delayqueue.recurring.{} is not declared: {}", job.name(),
						job.name(), ex.getMessage());
			}
			catch (RuntimeException ex) {
				this.done.remove(job.name());
				throw ex;
			}
		}
		if (this.removeUndeclared && this.queue instanceof DefaultDelayQueue queue) {
			if (this.declared.isEmpty()) {
				logger.debug("This instance declares no recurring jobs: those {} declared before are left alone",
						this.declaredIn);
			}
			else {
				List<String> removed = queue.recurringSchedules()
					.removeUndeclared(this.declaredIn, this.declared.stream().map(RecurringJob::name).toList());
				if (!removed.isEmpty()) {
					logger.info("Removed recurring jobs {}: {} declared them and no longer does "
							+ "(delayqueue.remove-undeclared-recurring-jobs=false keeps them)", removed,
							this.declaredIn);
				}
			}
		}
		this.declaredAll = true;
	}

	private void run() {
		RecurringSchedules schedules = ((DefaultDelayQueue) this.queue).recurringSchedules();
		long nextCheck = System.nanoTime() + RECONCILE_INTERVAL.toNanos();
		while (this.thread == Thread.currentThread()) {
			try {
				if (!this.declaredAll) {
					declareAll();
					logger.info("Declared the recurring jobs of delayqueue.recurring.*");
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not declare the recurring jobs of delayqueue.recurring.*: {}", ex.toString());
			}
			if (System.nanoTime() - nextCheck >= 0) {
				nextCheck = System.nanoTime() + RECONCILE_INTERVAL.toNanos();
				try {
					schedules.reconcile();
				}
				catch (UnsupportedOperationException ex) {
					logger.info("The job store keeps no recurring jobs: {}", ex.getMessage());
					return;
				}
				catch (RuntimeException ex) {
					logger.warn("Could not check that every recurring job has a pending occurrence: {}",
							ex.toString());
				}
			}
			long waitNanos = this.declaredAll ? nextCheck - System.nanoTime() : RETRY_INTERVAL.toNanos();
			try {
				TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(waitNanos, RECONCILE_INTERVAL.toNanos())));
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

}
