package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The silence watch's decisions on an in-memory Netty channel and a clock the test moves. A real half-open connection
 * (a proxy that swallows every byte and never closes) is the fault suite's flaky-network scenario.
 */
class SilentChannelsTests {

	private final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));

	private final SilentChannels channels = new SilentChannels(Duration.ofSeconds(5), this.now::get);

	private EmbeddedChannel channel() {
		EmbeddedChannel channel = new EmbeddedChannel();
		this.channels.afterChannelInitialized(channel);
		return channel;
	}

	private void check(EmbeddedChannel channel) {
		ChannelHandlerContext context = channel.pipeline().context("delayqueue-silence");
		((SilentChannels.Watch) context.handler()).check(context);
	}

	private void advance(long millis) {
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
	}

	private static void send(EmbeddedChannel channel, String bytes) {
		channel.writeOutbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
	}

	private static void receive(EmbeddedChannel channel, String bytes) {
		channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
	}

	@Test
	void aChannelUnansweredForTheCommandTimeoutIsClosed() {
		EmbeddedChannel channel = channel();
		assertThat(this.channels.watched()).isEqualTo(1);
		send(channel, "*1\r\n$4\r\nPING\r\n");
		advance(4_999);
		check(channel);
		assertThat(channel.isOpen()).isTrue();
		advance(1);
		check(channel);
		assertThat(channel.isOpen()).isFalse();
		assertThat(this.channels.closed()).isEqualTo(1);
		assertThat(this.channels.watched()).isZero();
	}

	@Test
	void anAnswerEndsTheWaitAndTheNextWriteStartsAnother() {
		EmbeddedChannel channel = channel();
		send(channel, "*1\r\n$4\r\nPING\r\n");
		advance(3_000);
		receive(channel, "+PONG\r\n");
		advance(3_000);
		check(channel);
		assertThat(channel.isOpen()).as("answered").isTrue();
		send(channel, "*1\r\n$4\r\nPING\r\n");
		advance(3_000);
		send(channel, "*1\r\n$4\r\nPING\r\n");
		advance(2_000);
		check(channel);
		assertThat(channel.isOpen()).as("waiting since the first unanswered write, not the last").isFalse();
	}

	@Test
	void anIdleChannelIsNeverClosed() {
		EmbeddedChannel channel = channel();
		advance(60_000);
		check(channel);
		assertThat(channel.isOpen()).isTrue();
		this.channels.watchSubscriptionsTo("dq:wake");
		send(channel, "*2\r\n$9\r\nSUBSCRIBE\r\n$7\r\ndq:wake\r\n");
		receive(channel, "*3\r\n$9\r\nsubscribe\r\n$7\r\ndq:wake\r\n:1\r\n");
		assertThat(this.channels.closePubSub("dq:wake", "test")).as("not a pub/sub connection").isZero();
		assertThat(channel.isOpen()).isTrue();
	}

	@Test
	void aChannelIsWatchedOnceThoughInitializedTwice() {
		EmbeddedChannel channel = channel();
		this.channels.afterChannelInitialized(channel);
		assertThat(channel.pipeline().names()).containsOnlyOnce("delayqueue-silence");
	}

	@Test
	void noCommandTimeoutOrDisabledClosesNothing() {
		EmbeddedChannel channel = channel();
		send(channel, "*1\r\n$4\r\nPING\r\n");
		advance(60_000);
		this.channels.setCommandTimeout(Duration.ZERO);
		check(channel);
		assertThat(channel.isOpen()).as("no timeout: Lettuce waits for ever, so may the channel").isTrue();
		this.channels.setCommandTimeout(Duration.ofSeconds(5));
		this.channels.disable();
		check(channel);
		assertThat(channel.isOpen()).isTrue();
		assertThat(this.channels.isEnabled()).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> new SilentChannels(Duration.ofSeconds(-1)))
			.withMessageContaining("commandTimeout must not be negative");
	}

}
