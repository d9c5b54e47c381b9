package dev.delayqueue.http;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackReceiver.Answer;
import dev.delayqueue.CallbackReceiver;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobState;
import dev.delayqueue.NonRetryableJobException;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher on its own against a real receiver: checks made when connecting, the deadline of a whole call, and
 * cancellation.
 */
class CallbackDispatcherTests {

	private static DelayedJob job(String url) {
		Instant now = Instant.now();
		return new DelayedJob("t", "1", JobState.IN_FLIGHT, "{}", now, 1, null, now, now, null, JobCallback.post(url),
				null);
	}

	private static CallbackDispatcher dispatcher(HostAllowList allowList, CallbackSettings settings) {
		return new CallbackDispatcher(CallbackWebClientFactory.create(WebClient.builder(), settings, allowList),
				settings, allowList, new JsonMapper(), Clock.systemUTC());
	}

	@Test
	void aHostNameThatResolvesToAForbiddenAddressIsRefusedWhenConnectingAndNeverRetried() throws Exception {
		try (CallbackReceiver receiver = new CallbackReceiver((call) -> Answer.of(200, ""))) {
			// For this test loopback counts as forbidden, the way 169.254.169.254 does in production.
			HostAllowList allowList = new HostAllowList(List.of(), List.of(HostAllowList.Cidr.parse("127.0.0.0/8")));
			CallbackDispatcher dispatcher = dispatcher(allowList, CallbackSettings.DEFAULT);
			CompletableFuture<?> result = dispatcher.deliver(job("http://localhost:" + receiver.port() + "/x"))
				.toCompletableFuture();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(5, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(NonRetryableJobException.class)
				.withMessageContaining("resolved to 127.0.0.1");
			assertThat(receiver.calls()).isEmpty();
		}
	}

	@Test
	void aReceiverThatTricklesItsAnswerIsCutAtTheDeadlineOfTheWholeCallAndItsSlotFreed() throws Exception {
		// each byte comes within the 300 ms timeout, so only the deadline of the whole call (2 x 300 + 200 ms) ends it
		CallbackSettings settings = new CallbackSettings(Duration.ofMillis(300), Duration.ofMillis(200), 10, 1, 1,
				1024, CallbackSettings.DEFAULT_SLOW_DOWN_DELAY, CallbackSettings.DEFAULT_MAX_RETRY_AFTER, null);
		try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
			Thread trickler = new Thread(() -> trickle(server), "trickler");
			trickler.setDaemon(true);
			trickler.start();
			CallbackDispatcher dispatcher = dispatcher(new HostAllowList(List.of()), settings);
			long start = System.nanoTime();
			CompletableFuture<?> result = dispatcher
				.deliver(job("http://127.0.0.1:" + server.getLocalPort() + "/slow"))
				.toCompletableFuture();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(5, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(CallbackFailedException.class)
				.withMessage("No answer from POST http://127.0.0.1:" + server.getLocalPort() + "/slow within PT0.3S");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(750),
					Duration.ofMillis(2_000));
			await().until(() -> dispatcher.running() == 0);
		}
	}

	/** Answers the first request with a status line and headers, then one byte of body every 100 ms. */
	private static void trickle(ServerSocket server) {
		try (Socket socket = server.accept()) {
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[4096];
			StringBuilder request = new StringBuilder();
			while (!request.toString().contains("\r\n\r\n")) {
				int read = in.read(buffer);
				if (read < 0) {
					return;
				}
				request.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
			}
			OutputStream out = socket.getOutputStream();
			out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
				.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			for (int i = 0; i < 1000; i++) {
				Thread.sleep(100);
				out.write('x');
				out.flush();
			}
		}
		catch (Exception ex) {
			// the client hung up: what the test wants
		}
	}

	@Test
	void cancellingADeliveryAbortsTheCallAndFreesItsSlot() throws Exception {
		try (CallbackReceiver receiver = new CallbackReceiver((call) -> Answer.of(200, "").after(3_000))) {
			CallbackSettings settings = new CallbackSettings(CallbackSettings.DEFAULT_TIMEOUT,
					CallbackSettings.DEFAULT_CONNECT_TIMEOUT, 10, 1, 1, 1024, CallbackSettings.DEFAULT_SLOW_DOWN_DELAY,
					CallbackSettings.DEFAULT_MAX_RETRY_AFTER, null);
			CallbackDispatcher dispatcher = dispatcher(new HostAllowList(List.of()), settings);
			CompletableFuture<?> first = dispatcher.deliver(job(receiver.url("/a"))).toCompletableFuture();
			CompletableFuture<?> second = dispatcher.deliver(job(receiver.url("/b"))).toCompletableFuture();
			await().until(() -> receiver.calls().size() == 1);
			assertThat(dispatcher.running()).isOne();
			assertThat(dispatcher.waiting()).isOne();
			second.cancel(true);
			assertThat(dispatcher.waiting()).isZero();
			first.cancel(true);
			await().until(() -> dispatcher.running() == 0);
		}
	}

}
