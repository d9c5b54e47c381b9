package dev.delayqueue.web;

/**
 * httpqueue's answers other than {@link TaskView}.
 */
sealed interface TaskAnswer {

	/**
	 * The answer to {@code POST /create}: {@code {"id": "..."}}.
	 *
	 * @param id the new task's id
	 */
	record Created(String id) implements TaskAnswer {

	}

	/**
	 * The answer to {@code POST /delete}: {@code {}}.
	 */
	record Deleted() implements TaskAnswer {

	}

	/**
	 * The answer to a failed request: {@code {"error": "..."}}.
	 *
	 * @param error what went wrong, naming the field and the rule for a bad request
	 */
	record Failed(String error) implements TaskAnswer {

	}

}
