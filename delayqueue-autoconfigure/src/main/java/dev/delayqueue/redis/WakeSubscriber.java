package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
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
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Listens on the {@link JobKeys#wakeChannel() wake channel}, where the scripts announce a job that became the
 * earliest of its topic, so sleeping workers wake up early. Messages lost while disconnected are covered by the
 * workers' safety-net poll. When Redis cannot be reached at {@link #start}, a thread of its own tries again every
 * {@link #DEFAULT_RETRY_INTERVAL} (never the caller's thread, since a try may wait for the command timeout) and
 * tells the listener once subscribed; once subscribed, the listener container reconnects by itself.
 * <p>
 * Threads: {@code start} and {@code stop} may be called from any thread; every field is guarded by {@code this}.
 *
 * @since 0.1.0
 */
public class WakeSubscriber implements WakeSource {

	/** Wait between two attempts to subscribe while Redis cannot be reached. */
	public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(WakeSubscriber.class);

	private final RedisConnectionFactory connectionFactory;

	private final String channel;

	private final Duration retryInterval;

	private @Nullable RedisMessageListenerContainer container;

	private @Nullable ScheduledExecutorService retries;

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
		this.connectionFactory = connectionFactory;
		this.channel = keys.wakeChannel();
		this.retryInterval = retryInterval;
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
		if (ShardedPubSub.isCluster(connectionFactory)) {
			return new ShardedWakeSubscriber((LettuceConnectionFactory) connectionFactory, keys);
		}
		return new WakeSubscriber(connectionFactory, keys);
	}

	@Override
	public synchronized void start(Listener onWake) {
		if (this.listener != null || this.closed) {
			return;
		}
		this.listener = onWake;
		if (!trySubscribe()) {
			ScheduledExecutorService executor = DaemonThreads.scheduler("delayqueue-subscribe");
			long period = this.retryInterval.toMillis();
			executor.scheduleWithFixedDelay(this::retry, period, period, TimeUnit.MILLISECONDS);
			this.retries = executor;
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
				this.retries.shutdown();
				this.retries = null;
			}
			subscribed = this.listener;
		}
		if (subscribed != null) {
			subscribed.onResubscribed();
		}
	}

	/** Subscribes once; on failure logs (a warning the first time) and returns false. Holds the monitor. */
	private boolean trySubscribe() {
		Listener onWake = this.listener;
		RedisMessageListenerContainer listenerContainer = new RedisMessageListenerContainer();
		listenerContainer.setConnectionFactory(this.connectionFactory);
		listenerContainer.setBeanName("delayqueue-wake");
		listenerContainer.addMessageListener(
				(message, pattern) -> deliver(onWake, new String(message.getBody(), StandardCharsets.UTF_8)),
				new ChannelTopic(this.channel));
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
		return true;
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
		if (this.retries != null) {
			this.retries.shutdownNow();
			this.retries = null;
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
