package dev.delayqueue.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.NonRetryableJobException;
import dev.delayqueue.RetryJobLaterException;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.redis.ClaimResult;
import dev.delayqueue.redis.ClaimedJob;
import dev.delayqueue.redis.Lane;
import dev.delayqueue.redis.Lease;
import dev.delayqueue.redis.Outcome;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.redis.WakeSubscriber;

import org.springframework.context.SmartLifecycle;

/**
 * Delivers the due jobs of the topics registered here, in this application instance.
 * <p>
 * One dispatcher thread sleeps until the earliest known due time among the topics, is woken early by the store's
 * pub/sub announcements of sooner jobs (with {@link WorkerSettings#pollInterval()} as a safety net), and claims due
 * jobs in batches under a lease, only as many as the topic has room for ({@code concurrency + prefetch}). Handlers
 * run on each topic's own threads. A recorder thread writes outcomes back in batches (success deletes the job,
 * failure schedules the next attempt with backoff or sends it to the dead state), and a heartbeat keeps the leases
 * of held jobs alive, so a slow handler is not delivered twice. A lease runs out only when this instance dies or
 * stalls; then any instance delivers the job again. Redis errors never stop the worker: it backs off and resumes.
 * <p>
 * On {@link #stop()}: no new claims; jobs not yet started are released at once (their attempt not counted);
 * running handlers get {@link WorkerSettings#shutdownTimeout()} to finish, then are interrupted; outcomes are
 * written before it returns. A handler that ignores the interrupt keeps its job until the lease runs out.
 *
 * @since 0.1.0
 */
public class JobWorker implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(JobWorker.class);

	private static final long MAX_BACKOFF_MILLIS = 5_000;

	private static final int MAX_ERROR_LENGTH = 2_000;

	private final RedisJobStore store;

	private final @Nullable WakeSubscriber wakeSubscriber;

	private final DelayQueueListener listener;

	private final Clock clock;

	private final WorkerSettings settings;

	private static final long DISCOVERY_INTERVAL_MILLIS = 5_000;

	private static final long SUBSCRIBE_RETRY_MILLIS = 5_000;

	private final Map<String, TopicWorker> topics = new ConcurrentHashMap<>();

	private final Map<String, TopicWorker> callbackTopics = new ConcurrentHashMap<>();

	/** Every topic lane worker, local and callback: what the dispatcher loops over. */
	private final List<TopicWorker> workers = new CopyOnWriteArrayList<>();

	private volatile @Nullable AsyncJobHandler callbackHandler;

	private volatile TopicSettings callbackSettings = TopicSettings.DEFAULT;

	private long lastDiscovery;

	private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

	private final AtomicLong wakeups = new AtomicLong();

	private final AtomicLong claimSeq = new AtomicLong();

	private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

	private volatile boolean running;

	private volatile boolean stopped;

	private volatile boolean subscribed;

	private volatile long nextSubscribeAttempt;

	private final java.util.concurrent.atomic.AtomicBoolean subscribing = new java.util.concurrent.atomic.AtomicBoolean();

	private int subscribeFailures;

	private @Nullable Thread dispatcher;

	private @Nullable Thread recorder;

	private @Nullable ScheduledExecutorService heartbeat;

	/**
	 * Creates a worker.
	 * @param store the store
	 * @param wakeSubscriber the wake-up subscription, or {@code null} to rely on polling alone
	 * @param listener hears what happens to jobs
	 * @param clock the clock that decides when a job is due
	 * @param settings the worker settings
	 */
	public JobWorker(RedisJobStore store, @Nullable WakeSubscriber wakeSubscriber, DelayQueueListener listener,
			Clock clock, WorkerSettings settings) {
		this.store = store;
		this.wakeSubscriber = wakeSubscriber;
		this.listener = listener;
		this.clock = clock;
		this.settings = settings;
	}

	/**
	 * Registers the handler of a topic; this instance then claims and delivers the topic's jobs.
	 * @param topic the topic
	 * @param handler the handler
	 * @param settings concurrency, lease and retry policy
	 * @param description names the handler in messages, for example {@code orderService.cancel(..)}
	 * @throws IllegalStateException when the topic already has a handler here
	 */
	public void register(String topic, JobHandler handler, TopicSettings settings, String description) {
		dev.delayqueue.JobNames.checkTopic(topic);
		TopicWorker worker = new TopicWorker(topic, Lane.LOCAL, handler, null, settings, description);
		TopicWorker existing = this.topics.putIfAbsent(topic, worker);
		if (existing != null) {
			worker.executor.shutdown();
			throw new IllegalStateException("Topic '" + topic + "' already has a handler: " + existing.description);
		}
		added(worker);
	}

	/**
	 * Makes this instance deliver the jobs with a callback, of every topic: the topics are discovered from the
	 * store (and from wake-ups as they appear) and each is claimed from its {@link Lane#HTTP} lane.
	 * @param handler delivers the callbacks
	 * @param settings capacity per topic ({@code concurrency + prefetch} jobs claimed at once), lease and default
	 * retry policy of callback jobs
	 */
	public void deliverCallbacks(AsyncJobHandler handler, TopicSettings settings) {
		this.callbackSettings = settings;
		this.callbackHandler = handler;
		if (this.running) {
			startThreads();
		}
		wake();
	}

	private void discoverCallbackTopics(long now) {
		if (this.callbackHandler == null || now - this.lastDiscovery < DISCOVERY_INTERVAL_MILLIS) {
			return;
		}
		this.lastDiscovery = now;
		try {
			this.store.topics(Lane.HTTP).forEach(this::callbackTopic);
		}
		catch (RuntimeException ex) {
			logError(null, "list callback topics", 1, ex, DISCOVERY_INTERVAL_MILLIS);
		}
	}

	private @Nullable TopicWorker callbackTopic(String topic) {
		AsyncJobHandler handler = this.callbackHandler;
		if (handler == null || !this.running) {
			return null;
		}
		TopicWorker[] created = new TopicWorker[1];
		TopicWorker worker = this.callbackTopics.computeIfAbsent(topic, (t) -> created[0] = new TopicWorker(t,
				Lane.HTTP, null, handler, this.callbackSettings, "HTTP callbacks of topic '" + t + "'"));
		if (created[0] != null) {
			added(created[0]);
		}
		return worker;
	}

	private void added(TopicWorker worker) {
		this.workers.add(worker);
		if (this.running) {
			startThreads();
		}
		wake();
	}

	/**
	 * Returns the topics this worker delivers.
	 * @return the registered topics
	 */
	public Set<String> topics() {
		return Set.copyOf(this.topics.keySet());
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		if (this.stopped) {
			throw new IllegalStateException("A stopped JobWorker cannot be started again; create a new one");
		}
		this.running = true;
		if (!this.topics.isEmpty() || this.callbackHandler != null) {
			startThreads();
		}
	}

	private synchronized void startThreads() {
		if (this.dispatcher != null) {
			return;
		}
		subscribe();
		this.recorder = startThread("delayqueue-recorder", this::recordLoop);
		this.dispatcher = startThread("delayqueue-dispatcher", this::dispatchLoop);
		ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "delayqueue-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(200, minLease().toMillis() / 3);
		beat.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
		this.heartbeat = beat;
		logger.info("delayqueue worker started for topics {}{}", this.topics.keySet(),
				(this.callbackHandler != null) ? " and HTTP callbacks of every topic" : "");
	}

	/**
	 * Subscribes to wake-ups unless subscribed. When Redis is unreachable the worker relies on its poll, and the
	 * heartbeat tries again every {@link #SUBSCRIBE_RETRY_MILLIS}.
	 */
	private void subscribe() {
		WakeSubscriber subscriber = this.wakeSubscriber;
		if (subscriber == null || this.subscribed || !this.running) {
			return;
		}
		this.nextSubscribeAttempt = System.currentTimeMillis() + SUBSCRIBE_RETRY_MILLIS;
		try {
			subscriber.start(this::onWake);
			this.subscribed = true;
			if (this.subscribeFailures > 0) {
				logger.info("delayqueue worker subscribed to wake-ups after {} failed attempts", this.subscribeFailures);
				// announcements made while unsubscribed were missed: look at every topic now
				this.topics.values().forEach((worker) -> worker.lastClaim = 0);
				this.callbackTopics.values().forEach((worker) -> worker.lastClaim = 0);
				wake();
			}
		}
		catch (RuntimeException ex) {
			if (this.subscribeFailures++ == 0) {
				logger.warn("Cannot subscribe to delayqueue wake-ups now ({}); relying on the {} poll and trying again",
						org.springframework.core.NestedExceptionUtils.getMostSpecificCause(ex),
						this.settings.pollInterval());
			}
			logger.debug("Wake-up subscription failure", ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopped = true;
		if (this.wakeSubscriber != null) {
			this.wakeSubscriber.stop();
		}
		wake();
		join(this.dispatcher);
		if (this.dispatcher == null) {
			return;
		}
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		AsyncJobHandler callbacks = this.callbackHandler;
		if (callbacks != null) {
			callbacks.stopStarting();
		}
		for (TopicWorker worker : this.workers) {
			if (worker.executor == null) {
				continue;
			}
			List<Runnable> waiting = new ArrayList<>();
			worker.executor.getQueue().drainTo(waiting);
			for (Runnable task : waiting) {
				ClaimedJob claimed = ((Delivery) task).claimed;
				finish(worker, claimed, release(claimed.job(), claimed.token()), null);
			}
			worker.executor.shutdown();
		}
		for (TopicWorker worker : this.workers) {
			if (worker.executor != null) {
				awaitTermination(worker, deadline);
			}
			else {
				awaitAsync(worker, deadline);
			}
		}
		this.completions.add(Completion.STOP);
		join(this.recorder);
		if (this.heartbeat != null) {
			this.heartbeat.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void awaitAsync(TopicWorker worker, long deadlineNanos) {
		awaitIdle(worker, deadlineNanos);
		if (!worker.running.isEmpty()) {
			logger.warn("{} deliveries of {} still running after the shutdown timeout of {}: cancelling them",
					worker.running.size(), worker.description, this.settings.shutdownTimeout());
			worker.running.values().forEach((future) -> future.cancel(true));
		}
		// every outcome, cancelled ones included, must reach the recorder before it is told to stop
		awaitIdle(worker, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
	}

	private static void awaitIdle(TopicWorker worker, long deadlineNanos) {
		while (worker.busy.get() > 0 && System.nanoTime() < deadlineNanos) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

	private void awaitTermination(TopicWorker worker, long deadlineNanos) {
		try {
			long left = deadlineNanos - System.nanoTime();
			if (!worker.executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
				logger.warn("Handlers of topic '{}' still running after the shutdown timeout of {}: interrupting them",
						worker.topic, this.settings.shutdownTimeout());
				worker.executor.shutdownNow();
				if (!worker.executor.awaitTermination(1, TimeUnit.SECONDS)) {
					logger.warn("Handlers of topic '{}' ignore the interrupt; their jobs will be delivered again when "
							+ "their lease runs out", worker.topic);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void onWake(String topic, Lane lane, long due) {
		TopicWorker worker = (lane == Lane.HTTP) ? callbackTopic(topic) : this.topics.get(topic);
		if (worker != null && due < worker.nextDue) {
			worker.nextDue = due;
			wake();
		}
	}

	private void wake() {
		this.wakeups.incrementAndGet();
		Thread thread = this.dispatcher;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	private void dispatchLoop() {
		while (this.running) {
			long seen = this.wakeups.get();
			long now = this.clock.millis();
			long wakeAt = now + this.settings.pollInterval().toMillis();
			discoverCallbackTopics(now);
			for (TopicWorker worker : this.workers) {
				if (!this.running) {
					return;
				}
				if (worker.free() > 0 && now >= worker.backoffUntil
						&& (worker.nextWork() <= now || now - worker.lastClaim >= this.settings.pollInterval().toMillis())) {
					claim(worker, now);
					now = this.clock.millis();
				}
				if (worker.free() > 0) {
					long next = Math.min(worker.nextWork(), worker.lastClaim + this.settings.pollInterval().toMillis());
					wakeAt = Math.min(wakeAt, Math.max(next, worker.backoffUntil));
				}
			}
			long sleepMillis = wakeAt - this.clock.millis();
			if (sleepMillis > 0 && this.wakeups.get() == seen) {
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(sleepMillis));
			}
		}
	}

	private void claim(TopicWorker worker, long now) {
		worker.lastClaim = now;
		ClaimResult result;
		try {
			result = this.store.claim(worker.topic, worker.lane, now, Math.min(this.settings.batchSize(), worker.free()),
					worker.settings.lease().toMillis(), this.instanceId + "-" + this.claimSeq.incrementAndGet());
		}
		catch (RuntimeException ex) {
			worker.errorStreak++;
			long backoff = backoff(worker.errorStreak);
			worker.backoffUntil = now + backoff;
			logError(worker.topic, "claim jobs", worker.errorStreak, ex, backoff);
			return;
		}
		if (worker.errorStreak > 0) {
			logger.info("delayqueue worker for topic '{}' reached Redis again after {} failed claims", worker.topic,
					worker.errorStreak);
			worker.errorStreak = 0;
		}
		worker.nextDue = (result.nextDue() < 0) ? Long.MAX_VALUE : result.nextDue();
		worker.nextLeaseEnd = (result.nextLeaseEnd() < 0) ? Long.MAX_VALUE : result.nextLeaseEnd();
		for (String id : result.expired()) {
			this.listener.onLeaseExpired(worker.topic, id);
		}
		for (ClaimedJob claimed : result.jobs()) {
			DelayedJob job = claimed.job();
			worker.leases.put(job.id(), claimed.token());
			worker.busy.incrementAndGet();
			if (!worker.settings.retry().canRetry(job.attempts() - 1, job.maxAttempts())) {
				String reason = "Lease ran out on the final attempt (" + (job.attempts() - 1) + ")";
				finish(worker, claimed, new Outcome(job.id(), claimed.token(), Outcome.DEAD, true, reason), null);
				continue;
			}
			if (worker.asyncHandler != null) {
				deliverAsync(worker, claimed);
				continue;
			}
			try {
				worker.executor.execute(new Delivery(worker, claimed));
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				finish(worker, claimed, release(job, claimed.token()), null);
			}
		}
	}

	private void deliver(TopicWorker worker, ClaimedJob claimed) {
		DelayedJob job = claimed.job();
		long start = this.clock.millis();
		this.listener.onClaimed(job, Duration.ofMillis(Math.max(0, start - job.dueAt().toEpochMilli())));
		Throwable failure = null;
		try {
			worker.handler.handle(job);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		long end = this.clock.millis();
		if (failure == null) {
			finish(worker, claimed, null, Duration.ofMillis(end - start));
			return;
		}
		finish(worker, claimed, outcomeOf(worker, job, claimed.token(), failure, end), failure);
	}

	private void deliverAsync(TopicWorker worker, ClaimedJob claimed) {
		DelayedJob job = claimed.job();
		long start = this.clock.millis();
		this.listener.onClaimed(job, Duration.ofMillis(Math.max(0, start - job.dueAt().toEpochMilli())));
		CompletableFuture<?> future = start(worker.asyncHandler, job);
		worker.running.put(claimed.token(), future);
		future.whenComplete((result, error) -> {
			worker.running.remove(claimed.token());
			long end = this.clock.millis();
			Throwable failure = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
					: error;
			if (failure == null) {
				finish(worker, claimed, null, Duration.ofMillis(end - start));
			}
			else if (failure instanceof CancellationException && !this.running) {
				finish(worker, claimed, release(job, claimed.token()), null);
			}
			else {
				finish(worker, claimed, outcomeOf(worker, job, claimed.token(), failure, end), failure);
			}
		});
	}

	private static CompletableFuture<?> start(AsyncJobHandler handler, DelayedJob job) {
		try {
			return handler.deliver(job).toCompletableFuture();
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** Gives a job back unstarted: pending again at its due time, the attempt not counted, no error. */
	private static Outcome release(DelayedJob job, String token) {
		return new Outcome(job.id(), token, job.dueAt().toEpochMilli(), true, "");
	}

	private Outcome outcomeOf(TopicWorker worker, DelayedJob job, String token, Throwable failure, long now) {
		String error = describe(failure);
		if (!this.running && (failure instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
			return release(job, token);
		}
		if (failure instanceof NonRetryableJobException || worker.settings.isNonRetryable(failure)) {
			return new Outcome(job.id(), token, Outcome.DEAD, false, error);
		}
		if (failure instanceof RetryJobLaterException later) {
			if (later.countAttempt() && !worker.settings.retry().canRetry(job.attempts(), job.maxAttempts())) {
				return new Outcome(job.id(), token, Outcome.DEAD, false, error);
			}
			return new Outcome(job.id(), token, now + later.delay().toMillis(), !later.countAttempt(), error);
		}
		if (!worker.settings.retry().canRetry(job.attempts(), job.maxAttempts())) {
			return new Outcome(job.id(), token, Outcome.DEAD, false, error);
		}
		long backoff = (job.backoff() != null) ? job.backoff().after(job.attempts()).toMillis()
				: worker.settings.retry().backoff(job.attempts(), ThreadLocalRandom.current()).toMillis();
		return new Outcome(job.id(), token, now + backoff, false, error);
	}

	/** Hands an outcome to the recorder and frees the job's place; {@code outcome == null} means success. */
	private void finish(TopicWorker worker, ClaimedJob claimed, @Nullable Outcome outcome, @Nullable Object detail) {
		this.completions.add(new Completion(worker, claimed, outcome, detail));
		worker.busy.decrementAndGet();
		wake();
	}

	private void recordLoop() {
		List<Completion> batch = new ArrayList<>();
		boolean stopSeen = false;
		int errorStreak = 0;
		while (true) {
			try {
				if (batch.isEmpty()) {
					if (stopSeen) {
						return;
					}
					batch.add(this.completions.take());
				}
				this.completions.drainTo(batch, 10 * this.settings.batchSize());
				stopSeen |= batch.removeIf((c) -> c == Completion.STOP);
				if (!batch.isEmpty()) {
					record(batch);
				}
				batch.clear();
				errorStreak = 0;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				errorStreak++;
				long backoff = backoff(errorStreak);
				logError(null, "record " + batch.size() + " outcomes", errorStreak, ex, backoff);
				if (stopSeen && errorStreak > 3) {
					logger.warn("Giving up on {} outcomes at shutdown; those jobs will be delivered again when their "
							+ "lease runs out", batch.size());
					return;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
			}
		}
	}

	/** Writes outcomes of a batch, grouped by topic; on error the caller retries the whole batch (idempotent). */
	private void record(List<Completion> batch) {
		Map<TopicWorker, List<Completion>> byTopic = new LinkedHashMap<>();
		for (Completion completion : batch) {
			byTopic.computeIfAbsent(completion.worker, (k) -> new ArrayList<>()).add(completion);
		}
		for (Map.Entry<TopicWorker, List<Completion>> entry : byTopic.entrySet()) {
			TopicWorker worker = entry.getKey();
			List<Completion> successes = entry.getValue().stream().filter((c) -> c.outcome == null).toList();
			List<Completion> failures = entry.getValue().stream().filter((c) -> c.outcome != null).toList();
			for (List<Completion> chunk : chunks(successes)) {
				Set<String> stale = Set.copyOf(this.store.complete(worker.topic,
						chunk.stream().map((c) -> new Lease(c.claimed.job().id(), c.claimed.token())).toList()));
				for (Completion c : chunk) {
					done(worker, c);
					if (!stale.contains(c.claimed.job().id())) {
						this.listener.onSucceeded(c.claimed.job(), (Duration) c.detail);
					}
				}
			}
			for (List<Completion> chunk : chunks(failures)) {
				Set<String> stale = Set.copyOf(this.store.fail(worker.topic, worker.lane,
						chunk.stream().map((c) -> c.outcome).toList(), this.clock.millis()));
				for (Completion c : chunk) {
					done(worker, c);
					if (!stale.contains(c.claimed.job().id())) {
						announceFailure(c);
					}
				}
			}
		}
	}

	private void announceFailure(Completion c) {
		Outcome outcome = c.outcome;
		DelayedJob job = c.claimed.job();
		Throwable error = (c.detail instanceof Throwable t) ? t : null;
		if (outcome.nextDue() == Outcome.DEAD) {
			this.listener.onDead(job, outcome.error(), error);
		}
		else if (error != null) {
			this.listener.onRetryScheduled(job, Instant.ofEpochMilli(outcome.nextDue()), error);
		}
	}

	private void done(TopicWorker worker, Completion completion) {
		worker.leases.remove(completion.claimed.job().id(), completion.claimed.token());
	}

	private <T> List<List<T>> chunks(List<T> items) {
		List<List<T>> chunks = new ArrayList<>();
		for (int i = 0; i < items.size(); i += this.settings.batchSize()) {
			chunks.add(items.subList(i, Math.min(items.size(), i + this.settings.batchSize())));
		}
		return chunks;
	}

	private void heartbeat() {
		if (!this.subscribed && System.currentTimeMillis() >= this.nextSubscribeAttempt
				&& this.subscribing.compareAndSet(false, true)) {
			// subscribing may wait seconds for an unreachable Redis: never on the thread that extends leases
			Thread retry = new Thread(() -> {
				try {
					subscribe();
				}
				finally {
					this.subscribing.set(false);
				}
			}, "delayqueue-subscribe");
			retry.setDaemon(true);
			retry.start();
		}
		for (TopicWorker worker : this.workers) {
			List<Lease> held = worker.heldLeases();
			if (held.isEmpty()) {
				continue;
			}
			try {
				long leaseEnd = this.clock.millis() + worker.settings.lease().toMillis();
				for (List<Lease> chunk : chunks(held)) {
					this.store.extend(worker.topic, chunk, leaseEnd);
				}
			}
			catch (RuntimeException ex) {
				logError(worker.topic, "extend leases", 1, ex, 0);
			}
		}
	}

	private Duration minLease() {
		return this.topics.values()
			.stream()
			.map((w) -> w.settings.lease())
			.min(Duration::compareTo)
			.map((lease) -> (this.callbackHandler != null && this.callbackSettings.lease().compareTo(lease) < 0)
					? this.callbackSettings.lease() : lease)
			.orElse((this.callbackHandler != null) ? this.callbackSettings.lease() : TopicSettings.DEFAULT_LEASE);
	}

	private void logError(@Nullable String topic, String action, int streak, RuntimeException ex, long backoffMillis) {
		if (streak == 1) {
			logger.warn("delayqueue could not {}{}: {}; retrying in {} ms", action,
					(topic != null) ? " of topic '" + topic + "'" : "", ex.toString(), backoffMillis);
		}
		else {
			logger.debug("delayqueue could not {} (failure {} in a row)", action, streak, ex);
		}
		this.listener.onWorkerError(topic, ex, Duration.ofMillis(backoffMillis));
	}

	private static long backoff(int streak) {
		return Math.min(MAX_BACKOFF_MILLIS, 50L << Math.min(10, streak));
	}

	static String describe(Throwable error) {
		String text = error.getClass().getName() + ((error.getMessage() != null) ? ": " + error.getMessage() : "");
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
	}

	private static Thread startThread(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(false);
		thread.start();
		return thread;
	}

	private static void join(@Nullable Thread thread) {
		if (thread == null) {
			return;
		}
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private final class Delivery implements Runnable {

		final TopicWorker worker;

		final ClaimedJob claimed;

		Delivery(TopicWorker worker, ClaimedJob claimed) {
			this.worker = worker;
			this.claimed = claimed;
		}

		@Override
		public void run() {
			deliver(this.worker, this.claimed);
		}

	}

	private record Completion(@Nullable TopicWorker worker, @Nullable ClaimedJob claimed, @Nullable Outcome outcome,
			@Nullable Object detail) {

		static final Completion STOP = new Completion(null, null, null, null);

	}

}
