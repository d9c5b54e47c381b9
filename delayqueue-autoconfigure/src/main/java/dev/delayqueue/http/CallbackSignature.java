package dev.delayqueue.http;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of callbacks. The dispatcher sends {@code X-DelayQueue-Timestamp: <epoch seconds>} and
 * {@code X-DelayQueue-Signature: sha256=<hex>}, the HMAC of {@code <timestamp>.<body bytes>} with the shared
 * secret. A receiver recomputes it, compares in constant time, and rejects a timestamp too far from its clock, so
 * a captured request cannot be replayed later. Receivers on the JVM can call {@link #verify}.
 *
 * @since 0.1.0
 */
public final class CallbackSignature {

	/** Prefix of the signature header value. */
	public static final String SCHEME = "sha256=";

	private final SecretKeySpec key;

	/**
	 * Creates a signer.
	 * @param secret the shared secret, at least 16 characters
	 * @throws IllegalArgumentException when the secret is shorter
	 */
	public CallbackSignature(String secret) {
		if (secret.length() < 16) {
			throw new IllegalArgumentException("delayqueue.http.signing-secret must be at least 16 characters");
		}
		this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
	}

	/**
	 * Signs a body sent at a time.
	 * @param timestamp epoch seconds, as sent in {@code X-DelayQueue-Timestamp}
	 * @param body the request body bytes
	 * @return the {@code X-DelayQueue-Signature} value: {@code sha256=} and the hex HMAC
	 */
	public String sign(long timestamp, byte[] body) {
		return SCHEME + HexFormat.of().formatHex(hmac(timestamp, body));
	}

	/**
	 * Verifies a received callback.
	 * @param timestampHeader the {@code X-DelayQueue-Timestamp} value
	 * @param signatureHeader the {@code X-DelayQueue-Signature} value
	 * @param body the raw request body bytes
	 * @param now the receiver's clock
	 * @param tolerance how far the timestamp may be from {@code now}, for example 5 minutes
	 * @return whether the signature matches and the timestamp is recent
	 */
	public boolean verify(String timestampHeader, String signatureHeader, byte[] body, Instant now,
			Duration tolerance) {
		long timestamp;
		try {
			timestamp = Long.parseLong(timestampHeader.trim());
		}
		catch (NumberFormatException ex) {
			return false;
		}
		if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()
				|| !signatureHeader.startsWith(SCHEME)) {
			return false;
		}
		byte[] received;
		try {
			received = HexFormat.of().parseHex(signatureHeader.substring(SCHEME.length()).trim());
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		return MessageDigest.isEqual(hmac(timestamp, body), received);
	}

	private byte[] hmac(long timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
			return mac.doFinal(body);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
