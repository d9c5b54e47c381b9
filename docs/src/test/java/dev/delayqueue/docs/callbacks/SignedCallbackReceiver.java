package dev.delayqueue.docs.callbacks;

// tag::receiver[]
import java.time.Duration;
import java.time.Instant;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.delayqueue.http.CallbackHeaders;
import dev.delayqueue.http.CallbackSignature;

@RestController
class PublishCallbacks {

	private final CallbackSignature signature = new CallbackSignature(System.getenv("CALLBACK_SECRET"));

	@PostMapping("/publish")
	ResponseEntity<Void> publish(@RequestBody byte[] body,              // the raw bytes: the signature covers them
			@RequestHeader(CallbackHeaders.TIMESTAMP) String timestamp,
			@RequestHeader(CallbackHeaders.SIGNATURE) String signatureHeader,
			@RequestHeader(CallbackHeaders.ID) String jobId) {
		if (!signature.verify(timestamp, signatureHeader, body, Instant.now(), Duration.ofMinutes(5))) {
			return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();   // a failed attempt: retried, then dead
		}
		// ... publish; must be safe to run twice for the same jobId
		return ResponseEntity.noContent().build();                          // any 2xx: done
	}

}
// end::receiver[]
