package dev.delayqueue.docs.callbacks;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The signature check without delayqueue on the classpath, as the callbacks page shows it.
 */
final class PlainJdkVerifier {

	private PlainJdkVerifier() {
	}

	// tag::verify[]
	static boolean verify(String secret, String ts, String sig, byte[] body) throws Exception {
		if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts)) > 300) return false;   // replay window
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
		mac.update((ts + ".").getBytes(US_ASCII));
		byte[] expected = mac.doFinal(body);
		return sig.startsWith("sha256=")
			&& MessageDigest.isEqual(expected, HexFormat.of().parseHex(sig.substring(7)));        // constant time
	}
	// end::verify[]

}
