package dev.delayqueue.handler;

/**
 * Names of the message headers a {@link DelayedJobHandler} method can take with {@code @Header}.
 *
 * @since 0.1.0
 */
public final class DelayQueueHeaders {

	/** The job's topic ({@code String}). */
	public static final String TOPIC = "delayqueue_topic";

	/** The job's id ({@code String}). */
	public static final String ID = "delayqueue_id";

	/** The number of this attempt, from 1 ({@code int}). */
	public static final String ATTEMPT = "delayqueue_attempt";

	/** When the job was due ({@code java.time.Instant}). */
	public static final String DUE_AT = "delayqueue_dueAt";

	/**
	 * For an occurrence of a recurring job, the time it is for ({@code java.time.Instant}), which retries do not move;
	 * absent for any other job.
	 * @since 0.2.0
	 */
	public static final String OCCURRENCE = "delayqueue_occurrence";

	/** The whole {@link dev.delayqueue.DelayedJob}. */
	public static final String JOB = "delayqueue_job";

	private DelayQueueHeaders() {
	}

}
