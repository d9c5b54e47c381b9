package dev.delayqueue.web;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;

/**
 * A job as {@code GET /job} and {@code GET /job/dead} show it: the fields delay_queue_callback's clients read
 * ({@code topic, id, delay, body, job_sign}) and delayqueue's own. The fields of a callback, {@code max_attempts}
 * and {@code last_error} are left out when the job has none.
 *
 * @param topic the topic
 * @param id the id
 * @param delay the delay as posted to {@code /job}, or the Unix time the job is due
 * @param callback the callback URL
 * @param method the callback's method
 * @param success the callback's success contract by wire name
 * @param body the body as posted to {@code /job}, or the job's whole body
 * @param jobSign {@code topic-id}
 * @param state {@code pending}, {@code in_flight} or {@code dead}
 * @param dueAt when the job is due
 * @param attempts delivery attempts so far
 * @param maxAttempts the job's own limit on attempts
 * @param createdAt when the job was first scheduled
 * @param updatedAt when the job last changed
 * @param lastError the error of the last failed attempt
 */
record JobView(String topic, String id, @Nullable JsonNode delay,
		@JsonInclude(Include.NON_NULL) @Nullable String callback,
		@JsonInclude(Include.NON_NULL) @Nullable String method,
		@JsonInclude(Include.NON_NULL) @Nullable String success, @Nullable JsonNode body, String jobSign, String state,
		Instant dueAt, int attempts, @JsonInclude(Include.NON_NULL) @Nullable Integer maxAttempts, Instant createdAt,
		Instant updatedAt, @JsonInclude(Include.NON_NULL) @Nullable String lastError) {

	/**
	 * Shows a job. A body posted to {@code /job} is the envelope {@link JobPost.Payload}: its {@code delay} and
	 * {@code body} are shown; any other body is shown whole.
	 * @param job the job
	 * @return the view
	 */
	static JobView of(DelayedJob job) {
		JsonNode stored = WebJson.readStored(job.body());
		boolean posted = stored != null && stored.isObject() && stored.has("job_sign");
		JobCallback callback = job.callback();
		return new JobView(job.topic(), job.id(),
				posted ? stored.get("delay") : JsonNodeFactory.instance.numberNode(job.dueAt().getEpochSecond()),
				(callback != null) ? callback.url().toString() : null, (callback != null) ? callback.method() : null,
				(callback != null) ? callback.success().wireName() : null, posted ? stored.get("body") : stored,
				job.topic() + "-" + job.id(), switch (job.state()) {
					case PENDING -> "pending";
					case IN_FLIGHT -> "in_flight";
					case DEAD -> "dead";
				}, job.dueAt(), job.attempts(), job.maxAttempts(), job.createdAt(), job.updatedAt(), job.lastError());
	}

}
