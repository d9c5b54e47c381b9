package dev.delayqueue.redis;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.lettuce.core.pubsub.PubSubCommandHandler;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
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
 * those when a subscriber's probe of its own went unanswered ({@link WakeSubscriber}).
 * <p>
 * What a closed channel had in flight is what any disconnect leaves: commands already timed out stay failed, the
 * others are sent again on the new channel (Lettuce's at-least-once default), so a command Redis ran just before a
 * long stall can run twice; delayqueue's scripts are written for that.
 * <p>
 * Installed as the {@link NettyCustomizer} of the {@code ClientResources} Spring Boot builds; each channel is watched
 * on its own event loop.
 *
 * @since 0.1.0
 */
public final class SilentChannels implements NettyCustomizer {

	private static final Logger logger = LoggerFactory.getLogger(SilentChannels.class);

	private static final String HANDLER_NAME = "delayqueue-silence";

	private final long silenceNanos;

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
		if (commandTimeout.isNegative() || commandTimeout.isZero()) {
			throw new IllegalArgumentException("commandTimeout must be positive, was " + commandTimeout);
		}
		this.silenceNanos = commandTimeout.toNanos();
		this.nanoTime = nanoTime;
	}

	@Override
	public void afterChannelInitialized(Channel channel) {
		if (channel.pipeline().get(HANDLER_NAME) == null) {
			channel.pipeline().addFirst(HANDLER_NAME, new Watch());
		}
	}

	/**
	 * Closes the channel of every pub/sub connection, for Lettuce to reconnect and subscribe them again.
	 * @param reason why, for the log
	 * @return how many were closed
	 */
	public int closePubSub(String reason) {
		int count = 0;
		for (Channel channel : this.channels) {
			if (channel.isActive() && channel.pipeline().get(PubSubCommandHandler.class) != null) {
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

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			Channel channel = ctx.channel();
			SilentChannels.this.channels.add(channel);
			channel.closeFuture().addListener((future) -> SilentChannels.this.channels.remove(channel));
			long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), SilentChannels.this.silenceNanos / 4);
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
			if (this.waitingSince == 0 && msg instanceof ByteBuf bytes && bytes.isReadable()) {
				this.waitingSince = SilentChannels.this.nanoTime.getAsLong();
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
			if (since == 0 || !ctx.channel().isActive()) {
				return;
			}
			long waited = SilentChannels.this.nanoTime.getAsLong() - since;
			if (waited >= SilentChannels.this.silenceNanos) {
				this.waitingSince = 0;
				SilentChannels.this.closed.incrementAndGet();
				logger.warn("Redis connection {} answered nothing for {} ms (the command timeout is {} ms); closing it "
						+ "for Lettuce to reconnect (a half-open connection, or a Redis stalled that long)",
						describe(ctx.channel()), TimeUnit.NANOSECONDS.toMillis(waited),
						TimeUnit.NANOSECONDS.toMillis(SilentChannels.this.silenceNanos));
				ctx.channel().close();
			}
		}

	}

}
