package dev.delayqueue.web;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.delayqueue.Backoff;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobNames;
import dev.delayqueue.JobRequest;
import dev.delayqueue.SuccessContract;

/**
 * The body of httpqueue's {@code POST /create}, bound by {@link WebJson}.
 *
 * @param topic the client's topic, which travels in the job's body
 * @param delay seconds from now, required
 * @param retry retries after the first attempt, from 0 to {@value HttpQueueEndpoint#MAX_RETRY}; 0 when not given
 * @param callback the URL the task is posted to when due
 * @param content any JSON, posted to the callback
 */
record CreateTask(@Nullable String topic, @Nullable BigDecimal delay, @Nullable Integer retry,
		@Nullable String callback, @Nullable JsonNode content) {

	/**
	 * Returns the job to schedule, with httpqueue's callback contract and backoff.
	 * @param queueTopic the delayqueue topic that holds every httpqueue task
	 * @param id the task's new id
	 * @param now the current time
	 * @return the request
	 * @throws InvalidJobException naming the field that breaks a rule
	 */
	JobRequest toRequest(String queueTopic, String id, Instant now) {
		String clientTopic = JobNames.checkTopic(WebJson.required("topic", this.topic));
		if (this.delay == null) {
			throw new InvalidJobException("delay", "is required (seconds)");
		}
		Instant dueAt = WireTime.delay("delay", this.delay, now);
		int retries = (this.retry != null) ? this.retry : 0;
		if (retries < 0 || retries > HttpQueueEndpoint.MAX_RETRY) {
			throw new InvalidJobException("retry", "must be between 0 and " + HttpQueueEndpoint.MAX_RETRY + ", was "
					+ retries);
		}
		JobCallback callback = new JobCallback(JobCallback.parseUrl(WebJson.required("callback", this.callback)),
				"POST", Map.of(), SuccessContract.CODE_100);
		return JobRequest.builder(queueTopic, id)
			.at(dueAt)
			.body(WebJson.MAPPER.valueToTree(new Payload(id, clientTopic, this.content)))
			.callback(callback)
			.maxAttempts(retries + 1)
			.backoff(Backoff.HTTPQUEUE)
			.ifAbsent()
			.build();
	}

	/**
	 * The task's body as stored and as its callback receives it.
	 *
	 * @param id the task's id
	 * @param topic the client's topic
	 * @param content the posted content
	 */
	record Payload(String id, String topic, @Nullable JsonNode content) {

	}

}
