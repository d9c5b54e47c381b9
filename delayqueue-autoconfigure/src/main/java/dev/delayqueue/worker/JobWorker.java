package dev.delayqueue.worker;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.JobNames;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.observation.DelayQueueObservations;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.TopicPartition;
import dev.delayqueue.store.WakeSource;

import org.springframework.context.SmartLifecycle;

/**
 * Delivers the due jobs of the topics registered here, in this application instance: the lifecycle and the
 * registry of topic lanes. The work is cut into parts, each with its own thread:
 * <ul>
 * <li>{@link ClaimLoop}, the dispatcher thread: sleeps until the earliest known due time, is woken early by the
 * store's {@link WakeSource wake-ups}, and claims due jobs in batches under a lease, only as many as a lane has room
 * for ({@code concurrency + prefetch});</li>
 * <li>{@link HandlerInvoker}: runs each job on its topic's handler threads (or starts an {@link AsyncJobHandler}),
 * with the {@link FailurePolicy} deciding retries and the dead state;</li>
 * <li>{@link OutcomeRecorder}, the recorder thread: writes outcomes back in batches;</li>
 * <li>{@link LeaseKeeper}, the heartbeat: keeps the leases of held jobs alive, so a slow handler is not delivered
 * twice.</li>
 * </ul>
 * A lease runs out only when this instance dies or stalls; then any instance delivers the job again. Store errors
 * never stop the worker: it backs off and resumes.
 * <p>
 * On {@link #stop()}: no new claims; jobs not yet started are released at once (their attempt not counted);
 * running handlers get {@link WorkerSettings#shutdownTimeout()} to finish, then are interrupted; outcomes are
 * written before it returns. A handler that ignores the interrupt keeps its job until the lease runs out.
 * <p>
 * Threads: {@link #register}, {@link #deliverCallbacks}, {@link #start} and {@link #stop} are called by the
 * application (the latter two synchronized); callback lanes are also added by the dispatcher thread (discovery) and
 * the threads that deliver wake-ups, through concurrent maps and the copy-on-write list of lanes.
 *
 * @since 0.1.0
 */
public class JobWorker implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(JobWorker.class);

	private static final long DISCOVERY_INTERVAL_MILLIS = 5_000;

	private final JobStore store;

	private final @Nullable WakeSource wakeSource;

	private final Clock clock;

	private final WorkerSettings settings;

	private final WorkerErrors errors;

	private final Map<String, TopicLane> localLanes = new ConcurrentHashMap<>();

	private final Map<String, TopicLane> callbackLanes = new ConcurrentHashMap<>();

	/** Every lane, local and callback: what the claim loop and the lease keeper go through. */
	private final List<TopicLane> lanes = new CopyOnWriteArrayList<>();

	private final OutcomeRecorder recorder;

	private final HandlerInvoker invoker;

	private final ClaimLoop loop;

	private volatile HandlerThreads handlerThreads = HandlerThreads.PLATFORM;

	private final LeaseKeeper leaseKeeper;

	/**
	 * Run the claims, lease extensions and outcome writes, each partition's one at a time, so partitions on
	 * different Redis nodes do not wait on each other. Threads are made as calls block at once and end when idle.
	 */
	private final ThreadPoolExecutor storeThreads;

	private volatile @Nullable AsyncJobHandler callbackHandler;

	private volatile Function<String, TopicSettings> callbackSettings = (topic) -> TopicSettings.DEFAULT;

	/** When callback topics and partitions were last listed (epoch ms); dispatcher thread only. */
	private long lastDiscovery;

	/** A listing of topics and partitions is running on a store thread. */
	private final AtomicBoolean discovering = new AtomicBoolean();

	/** Counts the deliveries that have ended here: raised before their outcome goes to Redis. */
	private final AtomicLong ended = new AtomicLong();

	private volatile boolean running;

	private volatile boolean stopped;

	private @Nullable Thread dispatcher;

	private @Nullable Thread recorderThread;

	/**
	 * Creates a worker.
	 * @param store the store
	 * @param wakeSource the wake-up announcements, or {@code null} to rely on polling alone
	 * @param listener hears what happens to jobs
	 * @param clock the clock that decides when a job is due
	 * @param settings the worker settings
	 */
	public JobWorker(JobStore store, @Nullable WakeSource wakeSource, DelayQueueListener listener, Clock clock,
			WorkerSettings settings) {
		this.store = store;
		this.wakeSource = wakeSource;
		this.clock = clock;
		this.settings = settings;
		this.errors = new WorkerErrors(listener);
		this.storeThreads = storeThreads();
		this.recorder = new OutcomeRecorder(store, listener, this.errors, clock, settings.batchSize(),
				this.storeThreads);
		// jitter from the random source of whichever thread decides, as ThreadLocalRandom asks
		RandomGenerator jitter = () -> ThreadLocalRandom.current().nextLong();
		this.invoker = new HandlerInvoker(clock, listener, new FailurePolicy(jitter),
				this::finish, () -> this.running);
		this.loop = new ClaimLoop(store, this.lanes, this.invoker, listener, this.errors, clock, settings,
				this::discover, this.storeThreads);
		this.leaseKeeper = new LeaseKeeper(store, this.lanes, this.errors, clock, settings.batchSize(),
				this.storeThreads);
	}

	/**
	 * Sets the observations of deliveries (none by default); call before {@link #start()}.
	 * @param observations the observations
	 */
	public void setObservations(DelayQueueObservations observations) {
		this.invoker.observations(observations);
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
		JobNames.checkTopic(topic);
		TopicLane lane = TopicLane.local(topic, handler, settings, description, this.handlerThreads);
		TopicLane existing = this.localLanes.putIfAbsent(topic, lane);
		if (existing != null) {
			lane.executor.shutdown();
			throw new IllegalStateException("Topic '" + topic + "' already has a handler: " + existing.description);
		}
		added(lane);
	}

	/**
	 * Makes this instance deliver the jobs with a callback, of every topic: the topics are discovered from the
	 * store (and from wake-ups as they appear) and each is claimed from its {@link Lane#HTTP} lane.
	 * @param handler delivers the callbacks
	 * @param settings the settings of each topic's callback lane: capacity ({@code concurrency + prefetch} jobs
	 * claimed at once), lease and retry policy
	 */
	public void deliverCallbacks(AsyncJobHandler handler, Function<String, TopicSettings> settings) {
		this.callbackSettings = settings;
		this.callbackHandler = handler;
		if (this.running) {
			startThreads();
		}
		this.loop.wake();
	}

	/**
	 * Returns the topics this worker delivers to local handlers.
	 * @return the registered topics
	 */
	public Set<String> topics() {
		return Set.copyOf(this.localLanes.keySet());
	}

	private static ThreadPoolExecutor storeThreads() {
		AtomicInteger threads = new AtomicInteger();
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "delayqueue-store-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

	/**
	 * Called by the dispatcher thread before each pass: at most every {@link #DISCOVERY_INTERVAL_MILLIS}, lists the
	 * topics with callbacks and the partitions of every lane's topic (another instance may schedule with more), on a
	 * store thread, one listing at a time: those keys live on one Redis node, and the dispatcher must not wait on it.
	 */
	private void discover(long now) {
		if (now - this.lastDiscovery < DISCOVERY_INTERVAL_MILLIS || !this.discovering.compareAndSet(false, true)) {
			return;
		}
		this.lastDiscovery = now;
		try {
			this.storeThreads.execute(() -> {
				try {
					if (this.callbackHandler != null) {
						this.store.topics(Lane.HTTP).forEach(this::callbackLane);
					}
					for (TopicLane lane : this.lanes) {
						watch(lane.partitionsUpTo(this.store.partitions(lane.topic).size()));
					}
				}
				catch (RuntimeException ex) {
					this.errors.report(null, "list topics and partitions", 1, ex, DISCOVERY_INTERVAL_MILLIS);
				}
				finally {
					this.discovering.set(false);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.discovering.set(false);
		}
	}

	private @Nullable TopicLane callbackLane(String topic) {
		AsyncJobHandler handler = this.callbackHandler;
		if (handler == null || !this.running) {
			return null;
		}
		TopicLane[] created = new TopicLane[1];
		TopicLane lane = this.callbackLanes.computeIfAbsent(topic,
				(t) -> created[0] = TopicLane.callbacks(t, handler, this.callbackSettings.apply(t)));
		if (created[0] != null) {
			added(created[0]);
		}
		return lane;
	}

	private void added(TopicLane lane) {
		this.lanes.add(lane);
		watch(lane.partitions);
		if (this.running) {
			startThreads();
		}
		this.loop.wake();
	}

	/** Makes the wake source listen to these partitions (a source per partition needs to know them). */
	private void watch(List<LanePartition> partitions) {
		if (this.wakeSource != null) {
			partitions.forEach((partition) -> this.wakeSource.watch(partition.partition));
		}
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
		if (!this.localLanes.isEmpty() || this.callbackHandler != null) {
			startThreads();
		}
	}

	private synchronized void startThreads() {
		if (this.dispatcher != null) {
			return;
		}
		if (this.wakeSource != null) {
			this.wakeSource.start(new WakeListener());
		}
		this.recorderThread = startThread("delayqueue-recorder", this.recorder);
		this.dispatcher = startThread("delayqueue-dispatcher", this.loop);
		this.leaseKeeper.start();
		logger.info("delayqueue worker started for topics {}{}", this.localLanes.keySet(),
				(this.callbackHandler != null) ? " and HTTP callbacks of every topic" : "");
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopped = true;
		this.loop.stop();
		join(this.dispatcher);
		// a claim still running hands its jobs to the invoker, which releases them now that the worker stopped
		long claimsDeadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		while (this.loop.claiming() && System.nanoTime() < claimsDeadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		if (this.wakeSource != null) {
			this.wakeSource.stop();
		}
		if (this.dispatcher == null) {
			this.storeThreads.shutdown();
			return;
		}
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		AsyncJobHandler callbacks = this.callbackHandler;
		if (callbacks != null) {
			callbacks.stopStarting();
		}
		for (TopicLane lane : this.lanes) {
			this.invoker.releaseWaiting(lane);
			if (lane.executor != null) {
				lane.executor.shutdown();
			}
		}
		for (TopicLane lane : this.lanes) {
			if (lane.executor != null) {
				awaitTermination(lane, lane.executor, deadline);
			}
			else {
				awaitAsync(lane, deadline);
			}
		}
		this.recorder.close();
		join(this.recorderThread);
		this.leaseKeeper.stop();
		this.storeThreads.shutdown();
	}

	/**
	 * Returns {@code false}: a worker cannot start again once stopped (its handler threads are gone), so a context
	 * that is paused, as Spring's test context cache pauses the contexts it keeps, leaves it running; it is stopped
	 * when the context closes.
	 * @return {@code false}
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Takes a completion from whichever thread ended the delivery. */
	private void finish(Completion completion) {
		this.ended.incrementAndGet();
		this.recorder.add(completion);
		completion.lane().busy.decrementAndGet();
		this.loop.wake();
	}

	private void awaitAsync(TopicLane lane, long deadlineNanos) {
		awaitIdle(lane, deadlineNanos);
		if (!lane.running.isEmpty()) {
			logger.warn("{} deliveries of {} still running after the shutdown timeout of {}: cancelling them",
					lane.running.size(), lane.description, this.settings.shutdownTimeout());
			lane.running.values().forEach((future) -> future.cancel(true));
		}
		// every outcome, cancelled ones included, must reach the recorder before it is told to stop
		awaitIdle(lane, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
	}

	private static void awaitIdle(TopicLane lane, long deadlineNanos) {
		while (lane.busy.get() > 0 && System.nanoTime() < deadlineNanos) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

	private void awaitTermination(TopicLane lane, ThreadPoolExecutor executor, long deadlineNanos) {
		try {
			long left = deadlineNanos - System.nanoTime();
			if (!executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
				logger.warn("Handlers of topic '{}' still running after the shutdown timeout of {}: interrupting them",
						lane.topic, this.settings.shutdownTimeout());
				executor.shutdownNow();
				if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
					logger.warn("Handlers of topic '{}' ignore the interrupt; their jobs will be delivered again when "
							+ "their lease runs out", lane.topic);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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

	/**
	 * Sets what makes the threads of the topics registered from now on; {@link HandlerThreads#PLATFORM} by default.
	 * @param handlerThreads the factory of each topic's handler threads
	 */
	public void setHandlerThreads(HandlerThreads handlerThreads) {
		this.handlerThreads = handlerThreads;
	}

	/**
	 * Returns a count that moves whenever this worker starts a claim (counted before the claim is sent) or a delivery
	 * ends (the handler returned or threw, the callback answered or failed; counted before its outcome is written).
	 * For a test waiting for quiet: a caller that reads it, then finds {@link #isClaiming()} false, looks at Redis
	 * topic by topic, and reads it again unchanged knows that no claim moved a job and no delivery ended while it
	 * looked. So a job it saw in flight was in flight, and a job a handler scheduled before its delivery ended was
	 * there to see.
	 * @return the count so far
	 */
	public long activity() {
		return this.ended.get() + this.loop.claimsStarted();
	}

	/**
	 * Returns whether a claim is under way on any lane.
	 * @return whether a claim was sent and has not returned
	 */
	public boolean isClaiming() {
		return this.loop.claiming();
	}

	/**
	 * Has every lane claim at once, as if each had been announced a job due now, also one backing off after store
	 * errors or waiting for its rate limit's next token: for a clock that jumped forward (a test moving time) or
	 * announcements that may have been missed. Any thread.
	 */
	public void wakeAll() {
		this.lanes.forEach((lane) -> lane.partitions.forEach((partition) -> {
			partition.lastClaim = 0;
			partition.backoffUntil = 0;
		}));
		this.loop.wake();
	}

	/** Hears the store's announcements on the wake-up listener's thread. */
	private final class WakeListener implements WakeSource.Listener {

		@Override
		public void onWake(TopicPartition partition, Lane lane, long due) {
			String topic = partition.topic();
			TopicLane target = (lane == Lane.HTTP) ? callbackLane(topic) : JobWorker.this.localLanes.get(topic);
			if (target == null) {
				return;
			}
			List<LanePartition> partitions = target.partitionsUpTo(partition.partition() + 1);
			watch(partitions);
			if (partitions.get(partition.partition()).announce(due)) {
				JobWorker.this.loop.wake();
			}
		}

		@Override
		public void onResubscribed() {
			// announcements made while unsubscribed were missed: look at every lane now
			wakeAll();
		}

	}

}
