package dev.delayqueue.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.store.DaemonThreads;
import dev.delayqueue.store.InstanceInfo;
import dev.delayqueue.store.JobStore;

import org.springframework.context.SmartLifecycle;

/**
 * Keeps this instance's record in Redis ({@link JobStore#heartbeat}) while it runs, so that other instances, the
 * Actuator endpoint and operators can tell which instances serve which topics. The record expires three intervals
 * after the last heartbeat; a clean stop removes it at once. Not job data: losing it changes no job.
 * <p>
 * Threads: {@link #start()} and {@link #stop()} on the lifecycle thread; heartbeats on a daemon thread of its own.
 *
 * @since 0.1.0
 */
public final class InstanceHeartbeat implements SmartLifecycle {

	/** Default interval between two heartbeats. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(InstanceHeartbeat.class);

	private final JobStore store;

	private final Clock clock;

	private final Duration interval;

	private final Supplier<Set<String>> topics;

	private final boolean callbacks;

	private final InstanceInfo identity;

	/** Written by {@link #start()} and {@link #stop()}. */
	private volatile @Nullable ScheduledExecutorService executor;

	/**
	 * Creates the heartbeat of this instance.
	 * @param store where the record is kept
	 * @param clock the clock
	 * @param interval time between two heartbeats
	 * @param topics the topics this instance delivers to local handlers, read at each heartbeat
	 * @param callbacks whether this instance delivers callback jobs
	 */
	public InstanceHeartbeat(JobStore store, Clock clock, Duration interval, Supplier<Set<String>> topics,
			boolean callbacks) {
		this.store = store;
		this.clock = clock;
		this.interval = interval;
		this.topics = topics;
		this.callbacks = callbacks;
		String host = host();
		long pid = ProcessHandle.current().pid();
		this.identity = new InstanceInfo(host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8), host,
				pid, Set.of(), callbacks, clock.instant().minusMillis(uptime()), clock.instant());
	}

	/**
	 * Returns this instance's id in Redis.
	 * @return the id
	 */
	public String id() {
		return this.identity.id();
	}

	/**
	 * Writes this instance's record now.
	 */
	public void beat() {
		InstanceInfo now = new InstanceInfo(this.identity.id(), this.identity.host(), this.identity.pid(),
				this.topics.get(), this.callbacks, this.identity.startedAt(), this.clock.instant());
		this.store.heartbeat(now, this.interval.multipliedBy(3));
	}

	private void beatQuietly() {
		try {
			beat();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot renew this instance's record in Redis now", ex);
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService started = DaemonThreads.scheduler("delayqueue-instance");
		started.scheduleWithFixedDelay(this::beatQuietly, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		this.executor = started;
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = this.executor;
		if (running == null) {
			return;
		}
		running.shutdownNow();
		this.executor = null;
		try {
			running.awaitTermination(1, TimeUnit.SECONDS);
			this.store.leave(id());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot remove this instance's record from Redis; it expires by itself", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		// stops after the worker (which runs in the default phase), so the record lasts while it delivers
		return Integer.MAX_VALUE - 100;
	}

	/** The host name: from the environment when it says (no DNS lookup at startup), else from the network stack. */
	private static String host() {
		for (String variable : new String[] { "HOSTNAME", "COMPUTERNAME" }) {
			String name = System.getenv(variable);
			if (name != null && !name.isBlank()) {
				return name.strip();
			}
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown";
		}
	}

	private static long uptime() {
		try {
			return ManagementFactory.getRuntimeMXBean().getUptime();
		}
		catch (RuntimeException | LinkageError ex) {
			return 0;
		}
	}

}
