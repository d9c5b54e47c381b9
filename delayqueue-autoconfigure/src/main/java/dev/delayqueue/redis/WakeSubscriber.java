package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Listens on the {@link JobKeys#wakeChannel() wake channel}, where the scripts announce a job that became the
 * earliest of its topic, so sleeping workers wake up early. Messages lost while disconnected are covered by the
 * workers' safety-net poll. Once started, the subscription reconnects by itself; a failed {@link #start} throws and
 * may be called again.
 *
 * @since 0.1.0
 */
public class WakeSubscriber {

	private static final Logger logger = LoggerFactory.getLogger(WakeSubscriber.class);

	private final RedisConnectionFactory connectionFactory;

	private final String channel;

	private @Nullable RedisMessageListenerContainer container;

	private boolean closed;

	/**
	 * Creates a subscriber.
	 * @param connectionFactory the connection factory (a dedicated connection is opened for the subscription)
	 * @param keys the key layout, which names the channel
	 */
	public WakeSubscriber(RedisConnectionFactory connectionFactory, JobKeys keys) {
		this.connectionFactory = connectionFactory;
		this.channel = keys.wakeChannel();
	}

	/**
	 * Subscribes.
	 * @param onWake called for each announcement
	 */
	public synchronized void start(Listener onWake) {
		if (this.container != null || this.closed) {
			return;
		}
		RedisMessageListenerContainer listenerContainer = new RedisMessageListenerContainer();
		listenerContainer.setConnectionFactory(this.connectionFactory);
		listenerContainer.setBeanName("delayqueue-wake");
		listenerContainer.addMessageListener((message, pattern) -> {
			String text = new String(message.getBody(), StandardCharsets.UTF_8);
			String[] parts = text.split(" ");
			try {
				onWake.onWake(parts[0], (parts.length > 2) ? Lane.fromWireName(parts[2]) : Lane.LOCAL,
						Long.parseLong(parts[1]));
			}
			catch (RuntimeException ex) {
				logger.debug("Ignoring malformed wake message '{}'", text, ex);
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
			throw ex;
		}
		this.container = listenerContainer;
	}

	/**
	 * Unsubscribes and releases the connection; a later {@link #start} does nothing.
	 */
	public synchronized void stop() {
		this.closed = true;
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

	/**
	 * Hears wake-up announcements.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Called when a job became the earliest of its topic and lane.
		 * @param topic the topic
		 * @param lane the lane
		 * @param due the new earliest due time (epoch ms)
		 */
		void onWake(String topic, Lane lane, long due);

	}

}
