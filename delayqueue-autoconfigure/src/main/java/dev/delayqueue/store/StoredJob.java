package dev.delayqueue.store;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.Backoff;
import dev.delayqueue.JobCallback;

/**
 * A job version to write: what {@link JobStore#schedule} takes.
 *
 * @param id the id
 * @param dueAt due time (epoch ms)
 * @param body the body as JSON text, or {@code null}
 * @param maxAttempts the job's own attempt limit, or {@code null}
 * @param callback the HTTP callback, or {@code null} for a job of the {@link Lane#LOCAL local lane}
 * @param backoff the job's own backoff, or {@code null}
 * @param traceContext the trace context of the scheduling, as {@link dev.delayqueue.observation.TraceContext}
 * text, or {@code null}
 * @since 0.1.0
 */
public record StoredJob(String id, long dueAt, @Nullable String body, @Nullable Integer maxAttempts,
		@Nullable JobCallback callback, @Nullable Backoff backoff, @Nullable String traceContext) {

	/**
	 * A job without a trace context.
	 * @param id the id
	 * @param dueAt due time (epoch ms)
	 * @param body the body as JSON text, or {@code null}
	 * @param maxAttempts the job's own attempt limit, or {@code null}
	 * @param callback the HTTP callback, or {@code null} for a job of the {@link Lane#LOCAL local lane}
	 * @param backoff the job's own backoff, or {@code null}
	 */
	public StoredJob(String id, long dueAt, @Nullable String body, @Nullable Integer maxAttempts,
			@Nullable JobCallback callback, @Nullable Backoff backoff) {
		this(id, dueAt, body, maxAttempts, callback, backoff, null);
	}

	/**
	 * A job for a local handler, with the topic's retry policy.
	 * @param id the id
	 * @param dueAt due time (epoch ms)
	 * @param body the body as JSON text, or {@code null}
	 * @param maxAttempts the job's own attempt limit, or {@code null}
	 */
	public StoredJob(String id, long dueAt, @Nullable String body, @Nullable Integer maxAttempts) {
		this(id, dueAt, body, maxAttempts, null, null, null);
	}

	/**
	 * Returns this job with a trace context.
	 * @param traceContext the trace context text, or {@code null} for none
	 * @return this job when the context is the same, else a copy with it
	 */
	public StoredJob withTraceContext(@Nullable String traceContext) {
		return Objects.equals(traceContext, this.traceContext) ? this
				: new StoredJob(this.id, this.dueAt, this.body, this.maxAttempts, this.callback, this.backoff,
						traceContext);
	}

	/**
	 * Returns the lane the job waits in.
	 * @return {@link Lane#HTTP} when the job has a callback
	 */
	public Lane lane() {
		return (this.callback != null) ? Lane.HTTP : Lane.LOCAL;
	}

}
