package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.lettuce.core.protocol.CommandEncoder;
import io.lettuce.core.pubsub.PubSubCommandHandler;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a Lettuce connection's channel that has waited longer than the command timeout for any answer to what was
 * written on it, so that Lettuce reconnects it. A connection whose peer vanished without a word (a NAT or firewall
 * that dropped its state, a host gone, a proxy that hangs) stays open in TCP's eyes for many minutes, or for ever
 * while something still acknowledges the bytes, and Lettuce does not reconnect on command timeouts: every command
 * would time out until then. Closing the channel, not the connection, lets Lettuce's own reconnect replace it
 * underneath whatever holds the connection (Spring's shared connection, a pool, a pub/sub subscription, which Lettuce
 * subscribes again), each channel on its own, one node of a cluster at a time.
 * <p>
 * A channel carrying only pub/sub messages writes nothing, so it cannot be judged this way: {@link #closePubSub} closes
 * the connections subscribed to a channel when a subscriber's probe of its own went unanswered ({@link WakeSubscriber});
 * the application's other subscriptions are left alone.
 * <p>
 * What a closed channel had in flight is what any disconnect leaves: commands already timed out stay failed, the
 * others are sent again on the new channel (Lettuce's at-least-once default), so a command Redis ran just before a
 * long stall can run twice; delayqueue's scripts are written for that.
 * <p>
 * Installed as the {@link NettyCustomizer} of the {@code ClientResources} Spring Boot builds, after TLS and before
 * Lettuce's encoder; each channel is watched on its own event loop. The wait allowed is the command timeout the
 * connection factory ends up with; a timeout raised on one connection, or relaxed by Lettuce during a maintenance
 * event, is not seen, and a command legitimately waiting longer (a blocking command on a connection with a longer
 * timeout of its own) would have its connection closed: turn the watch off then
 * ({@code delayqueue.redis.close-silent-connections=false}).
 *
 * @since 0.1.0
 */
public final class SilentChannels implements NettyCustomizer {

	private static final Logger logger = LoggerFactory.getLogger(SilentChannels.class);

	private static final String HANDLER_NAME = "delayqueue-silence";

	private volatile long silenceNanos;

	private volatile boolean enabled = true;

	/** Pub/sub channel names whose subscribing connections are told apart, as UTF-8 bytes. */
	private final Set<String> subscriptionNames = ConcurrentHashMap.newKeySet();

	private final LongSupplier nanoTime;

	private final Set<Channel> channels = ConcurrentHashMap.newKeySet();

	private final AtomicLong closed = new AtomicLong();

	/**
	 * Creates a watch.
	 * @param commandTimeout the client's command timeout: how long a channel may wait for an answer
	 */
	public SilentChannels(Duration commandTimeout) {
		this(commandTimeout, System::nanoTime);
	}

	SilentChannels(Duration commandTimeout, LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		setCommandTimeout(commandTimeout);
	}

	/**
	 * Sets how long a channel may wait for an answer: the client's command timeout as the connection factory has it,
	 * once that exists (an application's customizer may have changed it). Zero turns the watch off, as it means no
	 * timeout to Lettuce.
	 * @param commandTimeout the command timeout
	 * @throws IllegalArgumentException if it is negative
	 */
	public void setCommandTimeout(Duration commandTimeout) {
		if (commandTimeout.isNegative()) {
			throw new IllegalArgumentException("commandTimeout must not be negative, was " + commandTimeout);
		}
		this.silenceNanos = commandTimeout.toNanos();
	}

	/**
	 * Turns the watch off, for instance when the connection factory was built without it (the application's own
	 * {@code ClientResources} or {@code NettyCustomizer}): nothing is closed any more, {@link #closePubSub} included.
	 */
	public void disable() {
		this.enabled = false;
	}

	/**
	 * Returns whether the watch acts.
	 * @return {@code false} once {@link #disable() disabled} or with no command timeout
	 */
	public boolean isEnabled() {
		return this.enabled && this.silenceNanos > 0;
	}

	/**
	 * Tells apart the connections that subscribe to a pub/sub channel, so that {@link #closePubSub} closes only those.
	 * @param channelName the channel's name
	 */
	public void watchSubscriptionsTo(String channelName) {
		this.subscriptionNames.add(channelName);
	}

	@Override
	public void afterChannelInitialized(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(HANDLER_NAME) != null) {
			return;
		}
		// after TLS, before Lettuce's encoder: the bytes as Redis reads and writes them
		ChannelHandlerContext encoder = pipeline.context(CommandEncoder.class);
		if (encoder != null) {
			pipeline.addBefore(encoder.name(), HANDLER_NAME, new Watch());
		}
		else {
			pipeline.addFirst(HANDLER_NAME, new Watch());
		}
	}

	/**
	 * Closes the channel of every connection subscribed to a pub/sub channel (see {@link #watchSubscriptionsTo}), for
	 * Lettuce to reconnect it and subscribe again; the application's other subscriptions are left alone.
	 * @param channelName the pub/sub channel
	 * @param reason why, for the log
	 * @return how many were closed; 0 when the watch is off
	 */
	public int closePubSub(String channelName, String reason) {
		if (!isEnabled()) {
			return 0;
		}
		int count = 0;
		for (Channel channel : this.channels) {
			ChannelHandler handler = channel.pipeline().get(HANDLER_NAME);
			if (channel.isActive() && handler instanceof Watch watch && watch.subscribedTo.contains(channelName)) {
				logger.warn("Closing the Redis pub/sub connection {} for Lettuce to open it again: {}", describe(channel),
						reason);
				this.closed.incrementAndGet();
				channel.close();
				count++;
			}
		}
		return count;
	}

	/**
	 * Returns how many channels were closed, silent ones and pub/sub ones.
	 * @return the count
	 */
	public long closed() {
		return this.closed.get();
	}

	/**
	 * Returns how many channels are watched now.
	 * @return the count
	 */
	public int watched() {
		return this.channels.size();
	}

	private static String describe(Channel channel) {
		return channel.localAddress() + " -> " + channel.remoteAddress();
	}

	/**
	 * Notes when the channel started waiting for an answer (a write while none was awaited) and forgets it at the
	 * next read; checks every quarter of the command timeout. Event loop only.
	 */
	final class Watch extends ChannelDuplexHandler {

		private long waitingSince;

		private @Nullable ScheduledFuture<?> check;

		private boolean pubSub;

		/** The watched pub/sub channel names this connection subscribed to; read by other threads. */
		final Set<String> subscribedTo = ConcurrentHashMap.newKeySet();

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			Channel channel = ctx.channel();
			this.pubSub = ctx.pipeline().get(PubSubCommandHandler.class) != null;
			SilentChannels.this.channels.add(channel);
			channel.closeFuture().addListener((future) -> SilentChannels.this.channels.remove(channel));
			// a quarter of the command timeout as the factory first had it, at least 50 ms, at most 2.5 s
			long period = Math.min(TimeUnit.MILLISECONDS.toNanos(2_500),
					Math.max(TimeUnit.MILLISECONDS.toNanos(50), SilentChannels.this.silenceNanos / 4));
			this.check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), period, period, TimeUnit.NANOSECONDS);
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext ctx) {
			SilentChannels.this.channels.remove(ctx.channel());
			ScheduledFuture<?> task = this.check;
			if (task != null) {
				task.cancel(false);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			ScheduledFuture<?> task = this.check;
			if (task != null) {
				task.cancel(false);
			}
			super.channelInactive(ctx);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
				if (this.waitingSince == 0) {
					this.waitingSince = SilentChannels.this.nanoTime.getAsLong();
				}
				if (this.pubSub && !SilentChannels.this.subscriptionNames.isEmpty()) {
					String written = bytes.toString(bytes.readerIndex(), bytes.readableBytes(), StandardCharsets.UTF_8);
					for (String name : SilentChannels.this.subscriptionNames) {
						if (written.contains(name)) {
							this.subscribedTo.add(name);
						}
					}
				}
			}
			super.write(ctx, msg, promise);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			this.waitingSince = 0;
			super.channelRead(ctx, msg);
		}

		void check(ChannelHandlerContext ctx) {
			long since = this.waitingSince;
			long silence = SilentChannels.this.silenceNanos;
			if (since == 0 || !ctx.channel().isActive() || !isEnabled()) {
				return;
			}
			long waited = SilentChannels.this.nanoTime.getAsLong() - since;
			if (waited >= silence) {
				this.waitingSince = 0;
				SilentChannels.this.closed.incrementAndGet();
				logger.warn("Redis connection {} answered nothing for {} ms (the command timeout is {} ms); closing it "
						+ "for Lettuce to reconnect (a half-open connection, or a Redis stalled that long)",
						describe(ctx.channel()), TimeUnit.NANOSECONDS.toMillis(waited),
						TimeUnit.NANOSECONDS.toMillis(silence));
				ctx.channel().close();
			}
		}

	}

}
