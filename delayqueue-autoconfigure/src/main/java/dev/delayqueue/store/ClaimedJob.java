package dev.delayqueue.store;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayedJob;

/**
 * A job claimed by a worker, with the lease that proves the claim to later operations.
 *
 * @param partition the partition the job was claimed from
 * @param job the job, in state {@code IN_FLIGHT}, {@code attempts} counting this attempt
 * @param token the lease token
 * @param leaseEnd when the lease ends unless extended (epoch ms)
 * @param traceContext the trace context stored at scheduling, as {@link dev.delayqueue.observation.TraceContext}
 * text, or {@code null}
 * @param occurrence what makes the job an occurrence of a recurring job, or {@code null} for any other job
 * @since 0.1.0
 */
public record ClaimedJob(TopicPartition partition, DelayedJob job, String token, long leaseEnd,
		@Nullable String traceContext, @Nullable Occurrence occurrence) {

	/**
	 * A claimed job that is not an occurrence of a recurring job.
	 * @param partition the partition the job was claimed from
	 * @param job the job
	 * @param token the lease token
	 * @param leaseEnd when the lease ends unless extended (epoch ms)
	 * @param traceContext the trace context stored at scheduling, or {@code null}
	 */
	public ClaimedJob(TopicPartition partition, DelayedJob job, String token, long leaseEnd,
			@Nullable String traceContext) {
		this(partition, job, token, leaseEnd, traceContext, null);
	}

	/**
	 * A claimed job without a trace context.
	 * @param partition the partition the job was claimed from
	 * @param job the job
	 * @param token the lease token
	 * @param leaseEnd when the lease ends unless extended (epoch ms)
	 */
	public ClaimedJob(TopicPartition partition, DelayedJob job, String token, long leaseEnd) {
		this(partition, job, token, leaseEnd, null, null);
	}

	/**
	 * Returns the claim as the store's other operations take it.
	 * @return the job id and lease token
	 */
	public Lease lease() {
		return new Lease(this.job.id(), this.token);
	}

}
