package dev.delayqueue;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A job as stored: what {@link DelayQueue#get} returns and what a handler receives.
 *
 * @param topic the job's topic
 * @param id the job's id, unique within its topic
 * @param state where the job is in its life; {@link JobState#IN_FLIGHT} inside a handler
 * @param body the body as JSON text ({@code null} when the job has none)
 * @param dueAt when the job is due: its scheduled time, or the time of its next attempt after a failure
 * @param attempts delivery attempts made so far; inside a handler, the number of the current attempt (from 1)
 * @param maxAttempts the job's own limit on attempts, or {@code null} to use the handler's retry policy
 * @param createdAt when the job was first scheduled
 * @param updatedAt when the job last changed
 * @param lastError the error of the last failed attempt, or {@code null}
 * @param callback where the job is delivered over HTTP, or {@code null} for a job delivered to a local handler
 * @param backoff the job's own wait between failed attempts, or {@code null} for its topic's retry policy
 * @param occurrence for an occurrence of a recurring job, the time it is for, which retries do not move; {@code null}
 * for any other job
 * @since 0.1.0
 */
public record DelayedJob(String topic, String id, JobState state, @Nullable String body, Instant dueAt, int attempts,
		@Nullable Integer maxAttempts, Instant createdAt, Instant updatedAt, @Nullable String lastError,
		@Nullable JobCallback callback, @Nullable Backoff backoff, @Nullable Instant occurrence) {

	/**
	 * A job that is not an occurrence of a recurring job.
	 * @param topic the job's topic
	 * @param id the job's id
	 * @param state where the job is in its life
	 * @param body the body as JSON text, or {@code null}
	 * @param dueAt when the job is due
	 * @param attempts delivery attempts made so far
	 * @param maxAttempts the job's own limit on attempts, or {@code null}
	 * @param createdAt when the job was first scheduled
	 * @param updatedAt when the job last changed
	 * @param lastError the error of the last failed attempt, or {@code null}
	 * @param callback where the job is delivered over HTTP, or {@code null}
	 * @param backoff the job's own wait between failed attempts, or {@code null}
	 */
	public DelayedJob(String topic, String id, JobState state, @Nullable String body, Instant dueAt, int attempts,
			@Nullable Integer maxAttempts, Instant createdAt, Instant updatedAt, @Nullable String lastError,
			@Nullable JobCallback callback, @Nullable Backoff backoff) {
		this(topic, id, state, body, dueAt, attempts, maxAttempts, createdAt, updatedAt, lastError, callback, backoff,
				null);
	}

}
