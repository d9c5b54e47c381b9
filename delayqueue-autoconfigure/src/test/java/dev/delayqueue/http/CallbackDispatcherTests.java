package dev.delayqueue.http;

import java.time.Clock;
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
 * The dispatcher on its own against a real receiver: checks made when connecting, and cancellation.
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
