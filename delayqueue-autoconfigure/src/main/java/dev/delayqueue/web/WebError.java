package dev.delayqueue.web;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayQueueUnavailableException;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobTooLargeException;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * What a failed request tells its client: the status code, the message and the field at fault. {@link #of} is the
 * one mapping from exceptions to answers, shared by both endpoint families; each writes the error in its own body.
 *
 * @param status the status code
 * @param message what went wrong, naming the field and the rule for a bad request
 * @param field the request field at fault, or {@code null} when the request is not at fault
 */
record WebError(HttpStatus status, String message, @Nullable String field) {

	private static final Logger logger = LoggerFactory.getLogger(WebError.class);

	/**
	 * Maps what a request handler threw: {@code 413} for {@link JobTooLargeException}, {@code 400} for
	 * {@link InvalidJobException}, {@code 503} for {@link DelayQueueUnavailableException}, and {@code 500},
	 * logged, for anything else.
	 * @param error what was thrown
	 * @param request the request, named in the log
	 * @return the error
	 */
	static WebError of(Throwable error, ServerRequest request) {
		if (error instanceof JobTooLargeException tooLarge) {
			return new WebError(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage(), tooLarge.field());
		}
		if (error instanceof InvalidJobException invalid) {
			return new WebError(HttpStatus.BAD_REQUEST, invalid.getMessage(), invalid.field());
		}
		if (error instanceof DelayQueueUnavailableException unavailable) {
			return new WebError(HttpStatus.SERVICE_UNAVAILABLE, String.valueOf(unavailable.getMessage()), null);
		}
		logger.error("Unexpected error answering {} {}", request.method(), request.path(), error);
		return new WebError(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + error.getClass().getSimpleName(),
				null);
	}

	/**
	 * The error for a request without the configured bearer token.
	 * @return a {@code 401}
	 */
	static WebError unauthorized() {
		return new WebError(HttpStatus.UNAUTHORIZED, "missing or wrong bearer token", null);
	}

	/**
	 * The error for a job or task that does not exist.
	 * @param message what was not found
	 * @return a {@code 404}
	 */
	static WebError notFound(String message) {
		return new WebError(HttpStatus.NOT_FOUND, message, null);
	}

	/**
	 * Returns this error with another status code.
	 * @param status the status code
	 * @return the error
	 */
	WebError withStatus(HttpStatus status) {
		return new WebError(status, this.message, this.field);
	}

}
