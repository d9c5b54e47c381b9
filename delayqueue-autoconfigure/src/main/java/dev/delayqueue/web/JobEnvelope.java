package dev.delayqueue.web;

import org.jspecify.annotations.Nullable;

/**
 * Every answer of {@code /job}: {@code {"success": 1|0, "message": "...", "data": ...}}, as delay_queue_callback's
 * README has it.
 *
 * @param success {@code 1} or {@code 0}
 * @param message what happened
 * @param data the answer's data, or {@code null}
 */
record JobEnvelope(int success, String message, @Nullable Object data) {

	/**
	 * An answer to a request that did what it asked.
	 * @param message what happened
	 * @param data the data, or {@code null}
	 * @return the answer
	 */
	static JobEnvelope success(String message, @Nullable Object data) {
		return new JobEnvelope(1, message, data);
	}

	/**
	 * An answer to a request that did not do what it asked.
	 * @param message why
	 * @param data the data, or {@code null}
	 * @return the answer
	 */
	static JobEnvelope failure(String message, @Nullable Object data) {
		return new JobEnvelope(0, message, data);
	}

	/**
	 * An answer to a failed request: the error's message, and the field at fault as {@code data.field}.
	 * @param error the error
	 * @return the answer
	 */
	static JobEnvelope failure(WebError error) {
		return failure(error.message(), (error.field() != null) ? new Field(error.field()) : null);
	}

	/**
	 * The data of a bad request: the field at fault.
	 *
	 * @param field the field
	 */
	record Field(String field) {

	}

}
