package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.store.DaemonThreads;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.TopicPartition;
import dev.delayqueue.store.WakeSource;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Listens on the {@link JobKeys#wakeChannel() wake channel}, where the scripts announce a job that became the
 * earliest of its topic, so sleeping workers wake up early. Messages lost while disconnected are covered by the
 * workers' safety-net poll. When Redis cannot be reached at {@link #start}, a thread of its own tries again every
 * {@link #DEFAULT_RETRY_INTERVAL} (never the caller's thread, since a try may wait for the command timeout) and
 * tells the listener once subscribed; once subscribed, the listener container reconnects by itself when its
 * connection is closed. A connection that stays open but carries nothing any more (half-open) is not closed by
 * anyone, so the subscription proves itself alive: when it has received nothing for the check interval, it
 * publishes a probe on its channel, and when the probe has not come back by the next check, it subscribes anew on a
 * new connection and tells the listener, which claims at once what it may have missed. On a busy channel no probe
 * is ever sent.
 * <p>
 * Threads: {@code start} and {@code stop} may be called from any thread; one daemon thread retries and checks;
 * {@code lastMessage} is written by the container's thread, every other field is guarded by {@code this}.
 *
 * @since 0.1.0
 */
public class WakeSubscriber implements WakeSource {

	/** Wait between two attempts to subscribe while Redis cannot be reached. */
	public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(5);

	/** How often a quiet subscription is proved alive by a probe of its own. */
	public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);

	/** Starts a probe message, which no topic can ({@link dev.delayqueue.JobNames} refuses {@code ~}). */
	static final String PROBE = "~probe ";

	private static final Logger logger = LoggerFactory.getLogger(WakeSubscriber.class);

	private final RedisConnectionFactory connectionFactory;

	private final String channel;

	private final Duration retryInterval;

	private @Nullable RedisMessageListenerContainer container;

	private @Nullable ScheduledExecutorService timer;

	private @Nullable ScheduledFuture<?> retries;

	private final Duration checkInterval;

	private final StringRedisTemplate probes;

	/** Starts every probe of this subscriber: "~probe <random> <n>". */
	private final String probePrefix = PROBE + UUID.randomUUID() + " ";

	/** When the subscription last received anything (System.nanoTime). */
	private volatile long lastMessage = System.nanoTime();

	/** Set when the subscription's channel was closed for Lettuce to reconnect; the next message clears it. */
	private volatile boolean awaitingReconnect;

	/** When the subscription's channel was last closed (System.nanoTime); guarded by this. */
	private long closedAt;

	/** Closes without a message since; grows the grace before the next. */
	private volatile int closesInARow;

	private volatile @Nullable SilentChannels silentChannels;

	private long probeSequence;

	private long probeSent;

	private long probeEchoed;

	private long resubscriptions;

	private @Nullable Listener listener;

	private int failures;

	private boolean closed;

	/**
	 * Creates a subscriber that tries again every {@link #DEFAULT_RETRY_INTERVAL}.
	 * @param connectionFactory the connection factory (a dedicated connection is opened for the subscription)
	 * @param keys the key layout, which names the channel
	 */
	public WakeSubscriber(RedisConnectionFactory connectionFactory, JobKeys keys) {
		this(connectionFactory, keys, DEFAULT_RETRY_INTERVAL);
	}

	/**
	 * Creates a subscriber.
	 * @param connectionFactory the connection factory (a dedicated connection is opened for the subscription)
	 * @param keys the key layout, which names the channel
	 * @param retryInterval wait between two attempts to subscribe while Redis cannot be reached
	 */
	public WakeSubscriber(RedisConnectionFactory connectionFactory, JobKeys keys, Duration retryInterval) {
		this(connectionFactory, keys, retryInterval, DEFAULT_CHECK_INTERVAL);
	}

	/**
	 * Creates a subscriber.
	 * @param connectionFactory the connection factory (a dedicated connection is opened for the subscription)
	 * @param keys the key layout, which names the channel
	 * @param retryInterval wait between two attempts to subscribe while Redis cannot be reached
	 * @param checkInterval how long the subscription may stay quiet before a probe proves it alive; a probe not
	 * received back by the next check has the subscription made anew on a new connection; zero for no check
	 */
	public WakeSubscriber(RedisConnectionFactory connectionFactory, JobKeys keys, Duration retryInterval,
			Duration checkInterval) {
		if (checkInterval.isNegative()) {
			throw new IllegalArgumentException("checkInterval must not be negative, was " + checkInterval);
		}
		this.connectionFactory = connectionFactory;
		this.channel = keys.wakeChannel();
		this.retryInterval = retryInterval;
		this.checkInterval = checkInterval;
		this.probes = new StringRedisTemplate(connectionFactory);
	}

	/**
	 * Returns the wake source for a connection factory: a {@link ShardedWakeSubscriber} on a Lettuce cluster
	 * connection factory (it falls back to the classic channel by itself on a cluster before Redis 7), else a
	 * subscriber to the classic channel.
	 * @param connectionFactory the application's connection factory
	 * @param keys the key layout
	 * @return the wake source
	 */
	public static WakeSource of(RedisConnectionFactory connectionFactory, JobKeys keys) {
		return of(connectionFactory, keys, DEFAULT_CHECK_INTERVAL, null);
	}

	/**
	 * Returns the wake source for a connection factory, as {@link #of(RedisConnectionFactory, JobKeys)} does, its
	 * subscriptions checked at an interval of its own.
	 * @param connectionFactory the application's connection factory
	 * @param keys the key layout
	 * @param checkInterval how long a subscription may stay quiet before a probe proves it alive; zero for no check
	 * @param silentChannels the Lettuce channels to close when the probe goes unanswered, or {@code null} to
	 * subscribe anew instead
	 * @return the wake source
	 */
	public static WakeSource of(RedisConnectionFactory connectionFactory, JobKeys keys, Duration checkInterval,
			@Nullable SilentChannels silentChannels) {
		if (ShardedPubSub.isCluster(connectionFactory)) {
			ShardedWakeSubscriber sharded = new ShardedWakeSubscriber((LettuceConnectionFactory) connectionFactory, keys,
					checkInterval);
			sharded.setSilentChannels(silentChannels);
			return sharded;
		}
		WakeSubscriber subscriber = new WakeSubscriber(connectionFactory, keys, DEFAULT_RETRY_INTERVAL, checkInterval);
		subscriber.setSilentChannels(silentChannels);
		return subscriber;
	}

	@Override
	public synchronized void start(Listener onWake) {
		if (this.listener != null || this.closed) {
			return;
		}
		this.listener = onWake;
		ScheduledExecutorService executor = DaemonThreads.scheduler("delayqueue-subscribe");
		this.timer = executor;
		if (!trySubscribe()) {
			scheduleRetries();
		}
		if (!this.checkInterval.isZero()) {
			long period = this.checkInterval.toMillis();
			executor.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
		}
	}

	/** Tries to subscribe every retry interval until it works. Holds the monitor. */
	private void scheduleRetries() {
		ScheduledExecutorService executor = this.timer;
		if (executor != null && this.retries == null) {
			long period = this.retryInterval.toMillis();
			this.retries = executor.scheduleWithFixedDelay(this::retry, period, period, TimeUnit.MILLISECONDS);
		}
	}

	private void retry() {
		Listener subscribed;
		synchronized (this) {
			if (this.closed || this.container != null || !trySubscribe()) {
				return;
			}
			logger.info("delayqueue subscribed to wake-ups after {} failed attempts", this.failures);
			if (this.retries != null) {
				this.retries.cancel(false);
				this.retries = null;
			}
			subscribed = this.listener;
		}
		if (subscribed != null) {
			subscribed.onResubscribed();
		}
	}

	/**
	 * Proves the subscription alive: any message received within the check interval does; else a probe is published
	 * on the channel, and a probe not received back by the next check means the subscription's connection is dead
	 * though open (half-open), so its channel is closed for Lettuce to reconnect (or, without {@link SilentChannels},
	 * the subscription is made anew). A probe that could not be published proves nothing; nor do probes while
	 * Lettuce reconnects ({@link #reconnectGrace()}).
	 */
	private void check() {
		try {
			long now = System.nanoTime();
			long quiet = now - this.lastMessage;
			RedisMessageListenerContainer silent = null;
			synchronized (this) {
				if (this.closed || this.container == null) {
					return;
				}
				if (quiet < this.checkInterval.toNanos()) {
					this.probeSent = 0;
					return;
				}
				if (this.awaitingReconnect && now - this.closedAt < reconnectGrace()) {
					// Lettuce is reconnecting and subscribing again: probe, but judge only after the grace
					this.probeSent = 0;
				}
				else if (this.probeSent != 0 && this.probeEchoed < this.probeSent) {
					this.resubscriptions++;
					this.probeSent = 0;
					this.lastMessage = now;
					String reason = "delayqueue's wake-up subscription received nothing, not even its own probe, for "
							+ TimeUnit.NANOSECONDS.toMillis(quiet) + " ms";
					SilentChannels channels = this.silentChannels;
					if (channels != null && channels.closePubSub(this.channel, reason) > 0) {
						// Lettuce reconnects and subscribes again; the first message then tells the listener
						this.awaitingReconnect = true;
						this.closedAt = now;
						this.closesInARow++;
						ScheduledExecutorService executor = this.timer;
						if (executor != null) {
							executor.schedule(this::probe, 300, TimeUnit.MILLISECONDS);
							executor.schedule(this::probe, 1_500, TimeUnit.MILLISECONDS);
						}
						return;
					}
					logger.warn("{}; subscribing on a new connection", reason);
					silent = this.container;
					this.container = null;
				}
			}
			if (silent != null) {
				closeAside(silent);
				Listener subscribed = null;
				synchronized (this) {
					if (!this.closed && this.container == null) {
						if (trySubscribe()) {
							subscribed = this.listener;
						}
						else {
							scheduleRetries();
						}
					}
				}
				if (subscribed != null) {
					subscribed.onResubscribed();
				}
				return;
			}
			probe();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not check the wake-up subscription", ex);
		}
	}

	/**
	 * How long after closing the subscription's channel its probes are not judged, while Lettuce reconnects and
	 * subscribes again: three check intervals, doubled for each close in a row without a message, at most a minute.
	 */
	private long reconnectGrace() {
		long grace = 3 * this.checkInterval.toNanos() << Math.min(5, Math.max(0, this.closesInARow - 1));
		return Math.min(grace, TimeUnit.MINUTES.toNanos(1));
	}

	/** Publishes a probe on the channel, for this subscriber to receive. */
	private void probe() {
		try {
			long probe;
			synchronized (this) {
				if (this.closed) {
					return;
				}
				probe = ++this.probeSequence;
			}
			this.probes.convertAndSend(this.channel, this.probePrefix + probe);
			synchronized (this) {
				this.probeSent = probe;
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not probe the wake-up subscription", ex);
		}
	}

	/** Stops and destroys a container on a thread of its own: on a dead connection, unsubscribing waits. */
	private static void closeAside(RedisMessageListenerContainer container) {
		Thread closer = new Thread(() -> {
			try {
				container.stop();
				container.destroy();
			}
			catch (Exception ex) {
				logger.debug("Error while closing a silent wake subscription", ex);
			}
		}, "delayqueue-subscribe-close");
		closer.setDaemon(true);
		closer.start();
	}

	/**
	 * Has a silent subscription's channel closed for Lettuce to reconnect it, rather than the subscription made anew
	 * on a connection that, from a pool, may be the same one.
	 * @param channels the channels Lettuce opened, or {@code null}
	 */
	public void setSilentChannels(@Nullable SilentChannels channels) {
		this.silentChannels = channels;
		if (channels != null) {
			channels.watchSubscriptionsTo(this.channel);
		}
	}

	/**
	 * Returns how many times the subscription was found silent and replaced.
	 * @return the count
	 */
	public synchronized long resubscriptions() {
		return this.resubscriptions;
	}

	/** Subscribes once; on failure logs (a warning the first time) and returns false. Holds the monitor. */
	private boolean trySubscribe() {
		Listener onWake = this.listener;
		RedisMessageListenerContainer listenerContainer = new RedisMessageListenerContainer();
		listenerContainer.setConnectionFactory(this.connectionFactory);
		listenerContainer.setBeanName("delayqueue-wake");
		listenerContainer.addMessageListener((message, pattern) -> {
			this.lastMessage = System.nanoTime();
			if (this.awaitingReconnect) {
				this.awaitingReconnect = false;
				this.closesInARow = 0;
				onWake.onResubscribed();
			}
			String text = new String(message.getBody(), StandardCharsets.UTF_8);
			if (text.startsWith(PROBE)) {
				probeReceived(text);
			}
			else {
				deliver(onWake, text);
			}
		}, new ChannelTopic(this.channel));
		listenerContainer.afterPropertiesSet();
		try {
			listenerContainer.start();
		}
		catch (RuntimeException ex) {
			try {
				listenerContainer.destroy();
			}
			catch (Exception cleanup) {
				ex.addSuppressed(cleanup);
			}
			if (this.failures++ == 0) {
				logger.warn("Cannot subscribe to delayqueue wake-ups now ({}); relying on the workers' poll and "
						+ "trying again every {}", NestedExceptionUtils.getMostSpecificCause(ex), this.retryInterval);
			}
			logger.debug("Wake-up subscription failure", ex);
			return false;
		}
		this.container = listenerContainer;
		this.lastMessage = System.nanoTime();
		return true;
	}

	/** This instance's probe coming back (other instances' probes are ignored). */
	private void probeReceived(String text) {
		if (text.startsWith(this.probePrefix)) {
			try {
				long probe = Long.parseLong(text.substring(this.probePrefix.length()));
				synchronized (this) {
					this.probeEchoed = Math.max(this.probeEchoed, probe);
				}
			}
			catch (NumberFormatException ex) {
				// not ours after all
			}
		}
	}

	/**
	 * Returns an announcement as the scripts write it (include {@code announce.lua}) and {@link #deliver} reads it.
	 */
	static String message(TopicPartition partition, Lane lane, long due) {
		return partition.topic() + " " + due + " " + lane.wireName() + " " + partition.partition();
	}

	/**
	 * Hands an announcement to the listener: "topic dueMillis lane partition" (messages of older versions end after
	 * the topic's due time or lane). A malformed one is ignored.
	 */
	static void deliver(Listener listener, String text) {
		String[] parts = text.split(" ");
		try {
			int partition = (parts.length > 3) ? Integer.parseInt(parts[3]) : 0;
			listener.onWake(new TopicPartition(parts[0], partition),
					(parts.length > 2) ? Lane.fromWireName(parts[2]) : Lane.LOCAL, Long.parseLong(parts[1]));
		}
		catch (RuntimeException ex) {
			logger.debug("Ignoring malformed wake message '{}'", text, ex);
		}
	}

	@Override
	public synchronized void stop() {
		this.closed = true;
		this.retries = null;
		if (this.timer != null) {
			this.timer.shutdownNow();
			this.timer = null;
		}
		RedisMessageListenerContainer current = this.container;
		if (current != null) {
			this.container = null;
			try {
				current.stop();
				current.destroy();
			}
			catch (Exception ex) {
				logger.debug("Error while closing the wake subscription", ex);
			}
		}
	}

}
