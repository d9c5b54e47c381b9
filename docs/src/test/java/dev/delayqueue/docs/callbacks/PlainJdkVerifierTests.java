package dev.delayqueue.docs.callbacks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.delayqueue.http.CallbackSignature;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain-JDK check the callbacks page offers accepts what the dispatcher signs, and nothing else.
 */
class PlainJdkVerifierTests {

	private static final String SECRET = "a-secret-of-sixteen-plus";

	@Test
	void acceptsWhatTheDispatcherSignsAndRejectsTamperingAndOldTimestamps() throws Exception {
		byte[] body = "{\"productId\":7}".getBytes(StandardCharsets.UTF_8);
		long now = Instant.now().getEpochSecond();
		String signature = new CallbackSignature(SECRET).sign(now, body);
		assertThat(PlainJdkVerifier.verify(SECRET, Long.toString(now), signature, body)).isTrue();
		byte[] tampered = "{\"productId\":8}".getBytes(StandardCharsets.UTF_8);
		assertThat(PlainJdkVerifier.verify(SECRET, Long.toString(now), signature, tampered)).isFalse();
		String old = new CallbackSignature(SECRET).sign(now - 600, body);
		assertThat(PlainJdkVerifier.verify(SECRET, Long.toString(now - 600), old, body)).isFalse();
	}

}
