package dev.delayqueue.http;

/**
 * Headers every callback request carries.
 *
 * @since 0.1.0
 */
public final class CallbackHeaders {

	/** The job's topic. */
	public static final String TOPIC = "X-DelayQueue-Topic";

	/** The job's id. */
	public static final String ID = "X-DelayQueue-Id";

	/** The number of this attempt, from 1. */
	public static final String ATTEMPT = "X-DelayQueue-Attempt";

	/** When the request was signed, in epoch seconds (with a signing secret only). */
	public static final String TIMESTAMP = "X-DelayQueue-Timestamp";

	/** {@code sha256=<hex HMAC of "<timestamp>.<body>">} (with a signing secret only); see {@link CallbackSignature}. */
	public static final String SIGNATURE = "X-DelayQueue-Signature";

	private CallbackHeaders() {
	}

}
