package dev.delayqueue.web;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * JSON answers written with delayqueue's own mapper (independent of the application's message converters), and the
 * optional bearer token check.
 */
final class Responses {

	private Responses() {
	}

	static ServerResponse json(HttpStatusCode status, JsonNode body) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(WebJson.MAPPER.writeValueAsBytes(body));
	}

	/**
	 * The answer to a request without the right bearer token.
	 */
	static ServerResponse unauthorized(JsonNode body) {
		return ServerResponse.status(HttpStatus.UNAUTHORIZED)
			.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.contentType(MediaType.APPLICATION_JSON)
			.body(WebJson.MAPPER.writeValueAsBytes(body));
	}

	/**
	 * Whether the request carries {@code Authorization: Bearer <token>}, compared in constant time; always true
	 * without a token.
	 */
	static boolean authorized(ServerRequest request, @Nullable String token) {
		if (token == null || token.isEmpty()) {
			return true;
		}
		String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return false;
		}
		return MessageDigest.isEqual(sha256(header.substring(7).trim()), sha256(token));
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
