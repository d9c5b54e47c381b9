package dev.delayqueue.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * JSON answers written from records with {@link WebJson}'s mapper (independent of the application's message
 * converters), and the optional bearer token check.
 */
final class Responses {

	private Responses() {
	}

	/**
	 * An answer with a JSON body.
	 * @param status the status code
	 * @param body the body, written by {@link WebJson#MAPPER}
	 * @return the answer
	 */
	static ServerResponse json(HttpStatusCode status, Object body) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(WebJson.MAPPER.writeValueAsBytes(body));
	}

	/**
	 * The answer to a failed request, with {@code WWW-Authenticate: Bearer} on a {@code 401}.
	 * @param error the error, which gives the status code
	 * @param body the body the endpoint family writes the error in
	 * @return the answer
	 */
	static ServerResponse error(WebError error, Object body) {
		ServerResponse.BodyBuilder answer = ServerResponse.status(error.status());
		if (error.status() == HttpStatus.UNAUTHORIZED) {
			answer.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		return answer.contentType(MediaType.APPLICATION_JSON).body(WebJson.MAPPER.writeValueAsBytes(body));
	}

	/**
	 * Finishes an endpoint family's routes: every request needs the bearer token (when one is set), and every
	 * error, a 401 included, is answered by {@code fail}, in the family's own envelope.
	 * @param routes the family's routes
	 * @param token the bearer token, or {@code null} for none
	 * @param fail writes an error in the family's envelope
	 * @return the routes
	 */
	static RouterFunction<ServerResponse> guarded(RouterFunctions.Builder routes, @Nullable String token,
			Function<WebError, ServerResponse> fail) {
		return routes
			.filter((request, next) -> authorized(request, token) ? next.handle(request)
					: fail.apply(WebError.unauthorized()))
			.onError(Throwable.class, (error, request) -> fail.apply(WebError.of(error, request)))
			.build();
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
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
