package dev.delayqueue.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobCallback;
import dev.delayqueue.NonRetryableJobException;
import dev.delayqueue.RetryJobLaterException;
import dev.delayqueue.SuccessContract;
import dev.delayqueue.http.CallbackResponseJudge.Verdict;
import dev.delayqueue.worker.AsyncJobHandler;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Delivers jobs that carry a {@link JobCallback} over HTTP, without holding a thread while waiting.
 * <p>
 * Each call sends the job's body (its JSON text, as stored) with the callback's method and headers, the
 * {@link CallbackHeaders} naming the job and, with a signing secret, a {@link CallbackSignature}. Calls wait their
 * turn under a limit in all and per host. The answer is judged by the job's {@link SuccessContract}:
 * <ul>
 * <li>success: the job is done;</li>
 * <li>{@code 429}, or code {@code 101} under {@link SuccessContract#CODE_100}: "too many requests", tried again
 * after {@code Retry-After} (or the job's backoff, or {@link CallbackSettings#slowDownDelay()}; at least 1 s)
 * without spending an attempt;</li>
 * <li>{@code 503} with {@code Retry-After}: a failed attempt, tried again after {@code Retry-After};</li>
 * <li>anything else (no connection, timeout, other status, wrong body, redirect): a failed attempt, tried again
 * with the job's backoff and dead after its last attempt.</li>
 * </ul>
 * A callback that the {@link CallbackValidator} refuses at the due time sends the job to the dead state at once.
 * Redirects are not followed (one could lead past the host allow-list).
 *
 * @since 0.1.0
 */
public class CallbackDispatcher implements AsyncJobHandler {

	/**
	 * Where WebClient looks for the parent of its request observation in the Reactor context: the key of
	 * Micrometer's {@code ObservationThreadLocalAccessor}, spelled out so context-propagation need not be present.
	 */
	private static final String OBSERVATION_KEY = "micrometer.observation";

	private final WebClient webClient;

	private final CallbackSettings settings;

	private final CallbackValidator validator;

	private final @Nullable CallbackSignature signature;

	private final Clock clock;

	private final ConcurrencyLimiter limiter;

	private final CallbackResponseJudge judge;

	/**
	 * Longest a call may take in all: the connector's response timeout ends a silent receiver cleanly, this cuts one
	 * that trickles bytes.
	 */
	private final long deadlineMillis;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	/**
	 * Creates a dispatcher.
	 * @param webClient the client; build it with {@link CallbackWebClientFactory#create} to get the pool, timeouts
	 * and address checks
	 * @param settings limits and timeouts
	 * @param validator checks each callback URL again at its due time
	 * @param jsonMapper reads {@code {"code":...}} answers
	 * @param clock the clock of signature timestamps
	 */
	public CallbackDispatcher(WebClient webClient, CallbackSettings settings, CallbackValidator validator,
			JsonMapper jsonMapper, Clock clock) {
		this.webClient = webClient;
		this.settings = settings;
		this.validator = validator;
		this.signature = (settings.signingSecret() != null) ? new CallbackSignature(settings.signingSecret()) : null;
		this.clock = clock;
		this.limiter = new ConcurrencyLimiter(settings.maxConcurrency(), settings.maxConcurrencyPerHost());
		this.judge = new CallbackResponseJudge(settings.slowDownDelay(),
				new RetryAfterParser(settings.maxRetryAfter(), clock), jsonMapper);
		this.deadlineMillis = settings.timeout().toMillis() * 2 + settings.connectTimeout().toMillis();
	}

	/**
	 * Sets the registry whose current observation, when {@link #deliver} is called, becomes the parent of the
	 * callback's WebClient request observation (a no-op registry by default).
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Returns how many callbacks are running now.
	 * @return running callbacks
	 */
	public int running() {
		return this.limiter.running();
	}

	/**
	 * Returns how many callbacks wait for a free slot.
	 * @return waiting callbacks
	 */
	public int waiting() {
		return this.limiter.waiting();
	}

	@Override
	public void stopStarting() {
		this.limiter.close(new CancellationException("delayqueue worker stopping"));
	}

	@Override
	public CompletionStage<?> deliver(DelayedJob job) {
		JobCallback callback = job.callback();
		if (callback == null) {
			return CompletableFuture.failedFuture(new NonRetryableJobException("Job '" + job.id() + "' of topic '"
					+ job.topic() + "' has no callback"));
		}
		try {
			this.validator.check(callback);
		}
		catch (InvalidJobException ex) {
			return CompletableFuture.failedFuture(new NonRetryableJobException("Callback refused: " + ex.getMessage()));
		}
		URI url = callback.url();
		@Nullable Observation parent = this.observationRegistry.getCurrentObservation();
		CompletableFuture<ConcurrencyLimiter.Permit> slot = this.limiter.acquire(hostKey(url));
		CompletableFuture<Void> result = new CompletableFuture<>();
		slot.whenComplete((permit, error) -> {
			if (error != null) {
				result.completeExceptionally(error);
				return;
			}
			if (result.isDone()) {
				permit.release();
				return;
			}
			String target = callback.method() + " " + url;
			Mono<Void> request = call(job, callback, target);
			if (parent != null) {
				// the WebClient request observation (and the traceparent header tracing adds) takes this as its parent
				request = request.contextWrite((context) -> context.put(OBSERVATION_KEY, parent));
			}
			Disposable call = request.doFinally((signal) -> permit.release())
				.subscribe(null, result::completeExceptionally, () -> result.complete(null));
			// a timer of its own, not Mono.timeout: that operator works out a description of the chain (regular
			// expressions included) for every request
			Disposable deadline = Schedulers.parallel().schedule(() -> {
				if (result.completeExceptionally(new CallbackFailedException(
						"No answer from " + target + " within " + this.settings.timeout()))) {
					call.dispose();
				}
			}, this.deadlineMillis, TimeUnit.MILLISECONDS);
			result.whenComplete((ignored, failure) -> {
				deadline.dispose();
				if (result.isCancelled()) {
					call.dispose();
				}
			});
		});
		result.whenComplete((ignored, failure) -> {
			if (result.isCancelled()) {
				slot.cancel(false);
			}
		});
		return result;
	}

	private Mono<Void> call(DelayedJob job, JobCallback callback, String target) {
		byte[] body = (job.body() != null) ? job.body().getBytes(StandardCharsets.UTF_8) : new byte[0];
		WebClient.RequestBodySpec request = this.webClient.method(HttpMethod.valueOf(callback.method()))
			.uri(callback.url())
			.headers((headers) -> {
				callback.headers().forEach(headers::set);
				headers.set(CallbackHeaders.TOPIC, job.topic());
				headers.set(CallbackHeaders.ID, job.id());
				headers.set(CallbackHeaders.ATTEMPT, Integer.toString(job.attempts()));
				if (this.signature != null) {
					long timestamp = this.clock.instant().getEpochSecond();
					headers.set(CallbackHeaders.TIMESTAMP, Long.toString(timestamp));
					headers.set(CallbackHeaders.SIGNATURE, this.signature.sign(timestamp, body));
				}
			});
		WebClient.RequestHeadersSpec<?> withBody = (body.length > 0)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body) : request;
		return withBody.exchangeToMono((response) -> judge(job, callback, target, response))
			.onErrorMap((error) -> !(error instanceof RetryJobLaterException || error instanceof CallbackFailedException
					|| error instanceof NonRetryableJobException), (error) -> describe(target, error));
	}

	private Mono<Void> judge(DelayedJob job, JobCallback callback, String target, ClientResponse response) {
		int status = response.statusCode().value();
		Mono<String> body = this.judge.needsBody(status, callback.success())
				? readBody(response, target).defaultIfEmpty("") : response.releaseBody().thenReturn("");
		return body.flatMap((text) -> outcome(this.judge.judge(job, callback.success(), target, status,
				response.headers().asHttpHeaders(), text)));
	}

	/**
	 * Maps a verdict to the {@link AsyncJobHandler} contract: completion, or the exception that tells the worker
	 * what to do with the job.
	 */
	private static Mono<Void> outcome(Verdict verdict) {
		if (verdict instanceof Verdict.SlowDown slowDown) {
			return Mono.error(new RetryJobLaterException(slowDown.delay(), false, slowDown.message()));
		}
		if (verdict instanceof Verdict.Unavailable unavailable) {
			return Mono.error(new RetryJobLaterException(unavailable.delay(), true, unavailable.message()));
		}
		if (verdict instanceof Verdict.Failed failed) {
			return Mono.error(new CallbackFailedException(failed.message()));
		}
		return Mono.empty();
	}

	private Mono<String> readBody(ClientResponse response, String target) {
		return response.bodyToMono(String.class)
			.onErrorMap(DataBufferLimitException.class, (ex) -> new CallbackFailedException("The answer from " + target
					+ " is larger than delayqueue.http.max-response-size (" + this.settings.maxResponseSize()
					+ " bytes)"));
	}

	private Throwable describe(String target, Throwable error) {
		if (hasCause(error, ReadTimeoutException.class)) {
			return new CallbackFailedException("No answer from " + target + " within " + this.settings.timeout(), error);
		}
		if (error instanceof HostAllowList.ForbiddenAddressException) {
			return new NonRetryableJobException(error.getMessage(), error);
		}
		Throwable cause = error;
		while (cause.getCause() != null && cause.getCause() != cause) {
			if (cause instanceof HostAllowList.ForbiddenAddressException) {
				return new NonRetryableJobException(cause.getMessage(), error);
			}
			cause = cause.getCause();
		}
		if (cause instanceof HostAllowList.ForbiddenAddressException) {
			return new NonRetryableJobException(cause.getMessage(), error);
		}
		String what = (error instanceof WebClientRequestException) ? "Could not reach " : "Failed calling ";
		return new CallbackFailedException(what + target + ": " + cause, error);
	}

	private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
		for (Throwable cause = error; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static String hostKey(URI url) {
		int port = url.getPort();
		if (port < 0) {
			port = "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
		}
		return url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
	}

}
