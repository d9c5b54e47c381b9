package dev.delayqueue.http;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How the {@link CallbackDispatcher} makes its requests.
 *
 * @param timeout longest wait for the answer once the request is sent, and between parts of it; a receiver that
 * trickles its answer is cut after twice this plus {@code connectTimeout}
 * @param connectTimeout longest time to open a connection
 * @param maxConnections most pooled connections (all hosts)
 * @param maxConcurrency most callbacks running at once (all hosts); more wait their turn
 * @param maxConcurrencyPerHost most callbacks running at once to one host (and port)
 * @param maxResponseSize most bytes of an answer read (larger answers are failures)
 * @param slowDownDelay wait before the next attempt after "too many requests" ({@code 429} or code {@code 101})
 * without {@code Retry-After}, unless the job has its own backoff
 * @param maxRetryAfter longest {@code Retry-After} honoured; longer values are cut to this
 * @param signingSecret secret for HMAC-SHA256 signatures, or {@code null} to send none
 * @since 0.1.0
 */
public record CallbackSettings(Duration timeout, Duration connectTimeout, int maxConnections, int maxConcurrency,
		int maxConcurrencyPerHost, int maxResponseSize, Duration slowDownDelay, Duration maxRetryAfter,
		@Nullable String signingSecret) {

	/** Default timeout. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	/** Default connect timeout. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** Default pool size. */
	public static final int DEFAULT_MAX_CONNECTIONS = 500;

	/** Default concurrency in all. */
	public static final int DEFAULT_MAX_CONCURRENCY = 256;

	/** Default concurrency per host. */
	public static final int DEFAULT_MAX_CONCURRENCY_PER_HOST = 64;

	/** Default answer size cap, in bytes. */
	public static final int DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024;

	/** Default wait after "too many requests". */
	public static final Duration DEFAULT_SLOW_DOWN_DELAY = Duration.ofSeconds(10);

	/** Default cap on {@code Retry-After}. */
	public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofHours(1);

	/** The defaults, without signing. */
	public static final CallbackSettings DEFAULT = new CallbackSettings(DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
			DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_CONCURRENCY_PER_HOST,
			DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_SLOW_DOWN_DELAY, DEFAULT_MAX_RETRY_AFTER, null);

	/**
	 * Checks the values.
	 */
	public CallbackSettings {
		positive("timeout", timeout);
		positive("connect-timeout", connectTimeout);
		atLeastOne("max-connections", maxConnections);
		atLeastOne("max-concurrency", maxConcurrency);
		atLeastOne("max-concurrency-per-host", maxConcurrencyPerHost);
		atLeastOne("max-response-size", maxResponseSize);
		if (slowDownDelay.isNegative()) {
			throw new IllegalArgumentException("delayqueue.http.slow-down-delay must not be negative");
		}
		positive("max-retry-after", maxRetryAfter);
		if (signingSecret != null && signingSecret.isEmpty()) {
			signingSecret = null;
		}
	}

	/**
	 * Returns a copy with a signing secret.
	 * @param secret the secret, at least 16 characters
	 * @return the copy
	 */
	public CallbackSettings withSigningSecret(String secret) {
		return new CallbackSettings(this.timeout, this.connectTimeout, this.maxConnections, this.maxConcurrency,
				this.maxConcurrencyPerHost, this.maxResponseSize, this.slowDownDelay, this.maxRetryAfter, secret);
	}

	/** Without the signing secret, which must never reach a log. */
	@Override
	public String toString() {
		return "CallbackSettings[timeout=" + this.timeout + ", connectTimeout=" + this.connectTimeout
				+ ", maxConnections=" + this.maxConnections + ", maxConcurrency=" + this.maxConcurrency
				+ ", maxConcurrencyPerHost=" + this.maxConcurrencyPerHost + ", maxResponseSize=" + this.maxResponseSize
				+ ", slowDownDelay=" + this.slowDownDelay + ", maxRetryAfter=" + this.maxRetryAfter + ", signingSecret="
				+ ((this.signingSecret != null) ? "<hidden>" : "none") + "]";
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("delayqueue.http." + name + " must be positive, was " + value);
		}
	}

	private static void atLeastOne(String name, int value) {
		if (value < 1) {
			throw new IllegalArgumentException("delayqueue.http." + name + " must be at least 1, was " + value);
		}
	}

}
