package dev.delayqueue.redis;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.store.DaemonThreads;
import dev.delayqueue.store.TopicPartition;
import dev.delayqueue.store.WakeSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Wake-ups on a Redis Cluster: each partition's announcements come on its own shard channel
 * ({@link JobKeys#wakeChannel(TopicPartition)}), published with {@code SPUBLISH} to the partition's slot, so a
 * cluster does not broadcast every wake-up to every node. This subscriber holds one {@code SSUBSCRIBE} per watched
 * partition, on Lettuce's pub/sub connection to the master of the channel's slot, and follows the slot: every
 * {@link #RECONCILE_MILLIS}, when a partition is added, and when a node ends a subscription (the slot moved), it
 * and when a connection to a node is opened again (Lettuce's own resubscription fails for channels in several
 * slots), subscribes anew wherever the topology says the slot now is, then tells the listener
 * ({@link Listener#onResubscribed()}) since announcements may have been missed meanwhile. It keeps the classic
 * channel too ({@link WakeSubscriber}): there the store announces a partition it writes for the first time, so a
 * worker that does not watch it yet learns of it at once. On a cluster with a node before Redis 7 (no sharded
 * pub/sub) everything goes over the classic channel, as the store decides the same way.
 * <p>
 * Threads: one thread of its own ({@code delayqueue-wake-shards}) subscribes and alone touches the pub/sub
 * connection and {@link #subscribedAt}; {@link #watch} and Lettuce's event threads only add work for it.
 *
 * @since 0.1.0
 */
public class ShardedWakeSubscriber implements WakeSource {

	/** How often the subscriptions are checked against the cluster's topology. */
	static final long RECONCILE_MILLIS = 1_000;

	private static final Logger logger = LoggerFactory.getLogger(ShardedWakeSubscriber.class);

	private final LettuceConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final JobKeys keys;

	private final WakeSubscriber classic;

	private final Set<TopicPartition> watched = ConcurrentHashMap.newKeySet();

	/** Node id each shard channel is subscribed on; subscribing thread only. */
	private final Map<String, String> subscribedAt = new ConcurrentHashMap<>();

	private final ScheduledExecutorService thread = DaemonThreads.scheduler("delayqueue-wake-shards");

	/** Whether the cluster has sharded pub/sub; asked on the subscribing thread ({@code null} before). */
	private volatile @Nullable Boolean sharded;

	private volatile @Nullable Listener listener;

	private @Nullable StatefulRedisClusterPubSubConnection<String, String> connection;

	private volatile boolean slotMoved;

	/**
	 * Addresses of nodes a pub/sub connection was opened to again since the last pass: their subscriptions are made
	 * again.
	 */
	private final Set<InetSocketAddress> reconnected = ConcurrentHashMap.newKeySet();

	private @Nullable RedisConnectionStateListener reconnects;

	private boolean failing;

	/**
	 * Creates a subscriber.
	 * @param connectionFactory the application's Lettuce connection factory, configured for a cluster
	 * @param keys the key layout, which names the channels
	 */
	public ShardedWakeSubscriber(LettuceConnectionFactory connectionFactory, JobKeys keys) {
		this(connectionFactory, keys, WakeSubscriber.DEFAULT_CHECK_INTERVAL);
	}

	/**
	 * Creates a subscriber whose subscriptions are checked at an interval of its own.
	 * @param connectionFactory the application's Lettuce connection factory, configured for a cluster
	 * @param keys the key layout, which names the channels
	 * @param checkInterval how long a subscription may stay quiet before a probe proves it alive; zero for no check
	 */
	public ShardedWakeSubscriber(LettuceConnectionFactory connectionFactory, JobKeys keys, Duration checkInterval) {
		this.connectionFactory = connectionFactory;
		this.redis = new StringRedisTemplate(connectionFactory);
		this.keys = keys;
		this.classic = new WakeSubscriber(connectionFactory, keys, WakeSubscriber.DEFAULT_RETRY_INTERVAL, checkInterval);
	}

	/**
	 * Has a silent classic-channel subscription's connection closed for Lettuce to reconnect it (see
	 * {@link WakeSubscriber#setSilentChannels}); the shard subscriptions' connections are closed with it.
	 * @param channels the channels Lettuce opened, or {@code null}
	 */
	public void setSilentChannels(@Nullable SilentChannels channels) {
		this.classic.setSilentChannels(channels);
	}

	@Override
	public synchronized void start(Listener onWake) {
		if (this.listener != null || this.thread.isShutdown()) {
			return;
		}
		this.listener = onWake;
		this.classic.start(onWake);
		this.thread.scheduleWithFixedDelay(this::reconcile, 0, RECONCILE_MILLIS, TimeUnit.MILLISECONDS);
	}

	@Override
	public void watch(TopicPartition partition) {
		if (this.watched.add(partition) && this.listener != null) {
			poke();
		}
	}

	@Override
	public synchronized void stop() {
		this.thread.shutdownNow();
		try {
			this.thread.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		RedisConnectionStateListener listener = this.reconnects;
		if (listener != null) {
			this.connectionFactory.getRequiredNativeClient().removeListener(listener);
		}
		StatefulRedisClusterPubSubConnection<String, String> current = this.connection;
		if (current != null) {
			this.connection = null;
			current.closeAsync();
		}
		this.classic.stop();
	}

	private void poke() {
		try {
			this.thread.execute(this::reconcile);
		}
		catch (RejectedExecutionException ex) {
			// stopped
		}
	}

	/** On the subscribing thread: every watched partition subscribed on its slot's current master. */
	private void reconcile() {
		Listener onWake = this.listener;
		if (onWake == null) {
			return;
		}
		try {
			if (this.sharded == null) {
				this.sharded = ShardedPubSub.supported(this.redis);
				if (!this.sharded) {
					logger.info("delayqueue wake-ups use classic pub/sub: a cluster node runs Redis before 7");
				}
			}
			if (!this.sharded) {
				return;
			}
			StatefulRedisClusterPubSubConnection<String, String> pubSub = connect(onWake);
			if (this.slotMoved) {
				this.slotMoved = false;
				((RedisClusterClient) this.connectionFactory.getRequiredNativeClient()).refreshPartitions();
			}
			boolean resubscribed = false;
			RuntimeException failed = null;
			if (!this.reconnected.isEmpty()) {
				// a node connection came back (the node restarted, or the network dropped): Lettuce subscribes it to
				// its shard channels again in one SSUBSCRIBE, which the node refuses when they are in several slots
				// (CROSSSLOT), so subscribe each again here
				Set<InetSocketAddress> addresses = Set.copyOf(this.reconnected);
				this.reconnected.removeAll(addresses);
				for (RedisClusterNode node : pubSub.getPartitions()) {
					if (addresses.stream().anyMatch((address) -> isAt(node, address))) {
						this.subscribedAt.values().removeIf(node.getNodeId()::equals);
						resubscribed = true;
					}
				}
			}
			for (TopicPartition partition : this.watched) {
				String channel = this.keys.wakeChannel(partition);
				RedisClusterNode master = pubSub.getPartitions()
					.getMasterBySlot(SlotHash.getSlot(channel));
				String before = this.subscribedAt.get(channel);
				if (master == null || master.getNodeId().equals(before)) {
					continue;
				}
				try {
					pubSub.getConnection(master.getNodeId()).sync().ssubscribe(channel);
				}
				catch (RuntimeException ex) {
					// this node is gone or no longer has the slot: the others are still subscribed; this one again
					// once the topology is read anew
					failed = ex;
					this.slotMoved = true;
					continue;
				}
				this.subscribedAt.put(channel, master.getNodeId());
				if (before != null) {
					resubscribed = true;
					unsubscribeQuietly(pubSub, before, channel);
				}
			}
			if (failed != null) {
				throw failed;
			}
			if (this.failing) {
				logger.info("delayqueue subscribed to its shard channels again");
				this.failing = false;
				resubscribed = true;
			}
			if (resubscribed) {
				onWake.onResubscribed();
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				logger.warn("Cannot subscribe to delayqueue shard channels now ({}); relying on the workers' poll and "
						+ "trying again every {} ms", ex.getMessage(), RECONCILE_MILLIS);
				this.failing = true;
			}
			logger.debug("Shard channel subscription failure", ex);
		}
	}

	private StatefulRedisClusterPubSubConnection<String, String> connect(Listener onWake) {
		StatefulRedisClusterPubSubConnection<String, String> current = this.connection;
		if (current != null) {
			return current;
		}
		RedisClusterClient client = (RedisClusterClient) this.connectionFactory.getRequiredNativeClient();
		StatefulRedisClusterPubSubConnection<String, String> created = client.connectPubSub(StringCodec.UTF8);
		created.setNodeMessagePropagation(true);
		created.addListener(new RedisClusterPubSubAdapter<>() {

			@Override
			public void smessage(RedisClusterNode node, String channel, String message) {
				WakeSubscriber.deliver(onWake, message);
			}

			@Override
			public void sunsubscribed(RedisClusterNode node, String channel, long count) {
				// also when the node gives up the slot: subscribe again where the slot is now
				if (ShardedWakeSubscriber.this.subscribedAt.remove(channel, node.getNodeId())) {
					ShardedWakeSubscriber.this.slotMoved = true;
					poke();
				}
			}

		});
		RedisConnectionStateListener reconnectListener = new RedisConnectionStateListener() {

			@Override
			public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress remote) {
				if (handler instanceof StatefulRedisPubSubConnection<?, ?>
						&& remote instanceof InetSocketAddress address) {
					ShardedWakeSubscriber.this.reconnected.add(address);
					poke();
				}
			}

		};
		client.addListener(reconnectListener);
		this.reconnects = reconnectListener;
		this.connection = created;
		return created;
	}

	private static boolean isAt(RedisClusterNode node, InetSocketAddress address) {
		if (node.getUri().getPort() != address.getPort()) {
			return false;
		}
		String host = node.getUri().getHost();
		return host.equals(address.getHostString())
				|| (address.getAddress() != null && host.equals(address.getAddress().getHostAddress()));
	}

	private static void unsubscribeQuietly(StatefulRedisClusterPubSubConnection<String, String> pubSub, String nodeId,
			String channel) {
		try {
			pubSub.getConnection(nodeId).async().sunsubscribe(channel);
		}
		catch (RuntimeException ex) {
			// the old node is gone or no longer knows the channel: nothing to undo
		}
	}

}
