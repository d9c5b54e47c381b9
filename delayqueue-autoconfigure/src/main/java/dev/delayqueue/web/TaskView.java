package dev.delayqueue.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.delayqueue.DelayedJob;

/**
 * A task as httpqueue's {@code POST /query} shows it.
 *
 * @param id the task's id
 * @param topic the client's topic
 * @param executeTime the Unix time the task is due (its next attempt after a failure)
 * @param maxRetry retries allowed after the first attempt
 * @param hasRetry retries made so far
 * @param callback the callback URL
 * @param content the posted content
 * @param createTime the Unix time the task was created; {@code creat_time} on the wire, as httpqueue spells it
 */
record TaskView(String id, @Nullable JsonNode topic, long executeTime, int maxRetry, int hasRetry,
		@Nullable String callback, @Nullable JsonNode content, @JsonProperty("creat_time") long createTime) {

	/**
	 * Shows a task from the job that holds it.
	 * @param job the job, its body a {@link CreateTask.Payload}
	 * @return the view
	 */
	static TaskView of(DelayedJob job) {
		JsonNode stored = WebJson.readStored(job.body());
		boolean object = stored != null && stored.isObject();
		int maxAttempts = (job.maxAttempts() != null) ? job.maxAttempts() : 1;
		return new TaskView(job.id(), object ? stored.get("topic") : null, job.dueAt().getEpochSecond(),
				maxAttempts - 1, Math.max(0, job.attempts() - 1),
				(job.callback() != null) ? job.callback().url().toString() : null,
				object ? stored.get("content") : null, job.createdAt().getEpochSecond());
	}

}
