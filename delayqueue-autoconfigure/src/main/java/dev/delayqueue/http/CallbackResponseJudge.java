package dev.delayqueue.http;

import java.time.Duration;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.SuccessContract;

import org.springframework.http.HttpHeaders;

/**
 * Decides what a callback's answer means for its job, from the status, the headers and the body (already read and
 * capped), under the job's {@link SuccessContract}. Does no I/O.
 * <ul>
 * <li>{@code 429}, or code {@code 101} under {@link SuccessContract#CODE_100}: {@link Verdict.SlowDown slow down}
 * for {@code Retry-After}, else the job's backoff, else the configured slow-down delay; at least
 * {@link #MIN_SLOW_DOWN};</li>
 * <li>{@code 503} with {@code Retry-After}: {@link Verdict.Unavailable unavailable} for {@code Retry-After};</li>
 * <li>any other status outside {@code 2xx}, or a {@code 2xx} whose body breaks the contract:
 * {@link Verdict.Failed failed};</li>
 * <li>otherwise {@link Verdict.Delivered delivered}.</li>
 * </ul>
 */
final class CallbackResponseJudge {

	/** Shortest wait after "too many requests". */
	static final Duration MIN_SLOW_DOWN = Duration.ofSeconds(1);

	private static final int ERROR_SNIPPET = 200;

	private final Duration slowDownDelay;

	private final RetryAfterParser retryAfter;

	private final JsonMapper jsonMapper;

	/**
	 * Creates a judge.
	 * @param slowDownDelay wait after "too many requests" without {@code Retry-After} for a job without a backoff
	 * @param retryAfter reads the {@code Retry-After} header
	 * @param jsonMapper reads {@code {"code":...}} answers
	 */
	CallbackResponseJudge(Duration slowDownDelay, RetryAfterParser retryAfter, JsonMapper jsonMapper) {
		this.slowDownDelay = slowDownDelay;
		this.retryAfter = retryAfter;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Returns whether judging an answer needs its body; when not, the body can be released unread.
	 * @param status the status code
	 * @param contract the job's success contract
	 * @return {@code false} for {@code 429}, and for {@code 2xx} under {@link SuccessContract#STATUS_2XX}
	 */
	boolean needsBody(int status, SuccessContract contract) {
		if (status == 429) {
			return false;
		}
		return !isSuccessful(status) || contract != SuccessContract.STATUS_2XX;
	}

	/**
	 * Judges an answer.
	 * @param job the job called back (its backoff and attempts set the wait after "too many requests")
	 * @param contract the job's success contract
	 * @param target the method and URL called, named in messages
	 * @param status the status code
	 * @param headers the answer's headers
	 * @param body the answer's body, empty when it had none or when {@link #needsBody} said it is not needed
	 * @return the verdict
	 */
	Verdict judge(DelayedJob job, SuccessContract contract, String target, int status, HttpHeaders headers,
			String body) {
		Optional<Duration> retryAfter = this.retryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER));
		if (status == 429) {
			return Verdict.slowDown(slowDown(job, retryAfter), "HTTP 429 Too Many Requests from " + target);
		}
		if (!isSuccessful(status)) {
			String message = "HTTP " + status + " from " + target + snippet(body);
			if (status == 503 && retryAfter.isPresent()) {
				return Verdict.unavailable(retryAfter.get(), message);
			}
			return Verdict.failed(message);
		}
		return switch (contract) {
			case STATUS_2XX -> Verdict.delivered();
			case BODY_OK -> body.trim().equals("ok") ? Verdict.delivered()
					: Verdict.failed("Expected the answer 'ok' from " + target + ", got '" + abbreviate(body) + "'");
			case CODE_100 -> judgeCode(job, target, body, retryAfter);
		};
	}

	private Verdict judgeCode(DelayedJob job, String target, String body, Optional<Duration> retryAfter) {
		JsonNode code = null;
		try {
			JsonNode answer = this.jsonMapper.readTree(body);
			code = (answer != null && answer.isObject()) ? answer.get("code") : null;
		}
		catch (JacksonException ex) {
			// judged below as an answer without a code
		}
		if (code != null && code.isIntegralNumber() && code.asLong() == 100) {
			return Verdict.delivered();
		}
		if (code != null && code.isIntegralNumber() && code.asLong() == 101) {
			return Verdict.slowDown(slowDown(job, retryAfter), "Code 101 (too many requests) from " + target);
		}
		return Verdict.failed("Expected {\"code\":100} from " + target + ", got '" + abbreviate(body) + "'");
	}

	/**
	 * The wait after "too many requests". Such an attempt is not counted, so the wait is at least
	 * {@link #MIN_SLOW_DOWN}: a receiver answering {@code Retry-After: 0} forever must not be called in a loop.
	 */
	private Duration slowDown(DelayedJob job, Optional<Duration> retryAfter) {
		Duration wait = retryAfter.orElseGet(() -> (job.backoff() != null)
				? job.backoff().after(Math.max(1, job.attempts())) : this.slowDownDelay);
		return (wait.compareTo(MIN_SLOW_DOWN) < 0) ? MIN_SLOW_DOWN : wait;
	}

	private static boolean isSuccessful(int status) {
		return status >= 200 && status <= 299;
	}

	private static String snippet(String text) {
		return text.isBlank() ? "" : ": " + abbreviate(text);
	}

	private static String abbreviate(String text) {
		String flat = text.strip().replaceAll("\\s+", " ");
		return (flat.length() > ERROR_SNIPPET) ? flat.substring(0, ERROR_SNIPPET) + "..." : flat;
	}

	/**
	 * What an answer means for its job.
	 */
	sealed interface Verdict {

		/**
		 * The callback succeeded: the job is done.
		 * @return the verdict
		 */
		static Verdict delivered() {
			return Delivered.INSTANCE;
		}

		/**
		 * The attempt failed: the job is tried again with its backoff, or dead after its last attempt.
		 * @param message what went wrong, naming the URL
		 * @return the verdict
		 */
		static Verdict failed(String message) {
			return new Failed(message);
		}

		/**
		 * The receiver has too much to do: try again after {@code delay} without spending an attempt.
		 * @param delay the wait
		 * @param message what the receiver answered, naming the URL
		 * @return the verdict
		 */
		static Verdict slowDown(Duration delay, String message) {
			return new SlowDown(delay, message);
		}

		/**
		 * The receiver is unavailable and said for how long: a failed attempt, tried again after {@code delay}.
		 * @param delay the wait
		 * @param message what the receiver answered, naming the URL
		 * @return the verdict
		 */
		static Verdict unavailable(Duration delay, String message) {
			return new Unavailable(delay, message);
		}

		/** See {@link Verdict#delivered()}. */
		enum Delivered implements Verdict {

			/** The only instance. */
			INSTANCE

		}

		/**
		 * See {@link Verdict#failed(String)}.
		 * @param message what went wrong
		 */
		record Failed(String message) implements Verdict {

		}

		/**
		 * See {@link Verdict#slowDown(Duration, String)}.
		 * @param delay the wait
		 * @param message what the receiver answered
		 */
		record SlowDown(Duration delay, String message) implements Verdict {

		}

		/**
		 * See {@link Verdict#unavailable(Duration, String)}.
		 * @param delay the wait
		 * @param message what the receiver answered
		 */
		record Unavailable(Duration delay, String message) implements Verdict {

		}

	}

}
