package dev.delayqueue.store;

import java.util.List;
import java.util.OptionalLong;

/**
 * What one claim did.
 *
 * @param expired ids of jobs whose lease had run out and that were made due again
 * @param jobs jobs claimed, in due order
 * @param nextDue due time (epoch ms) of the earliest job still pending in the claimed lane, empty when none
 * @param nextLeaseEnd earliest lease end (epoch ms) among the topic's jobs in flight, empty when none
 * @param rateLimitedUntil with a rate limit whose tokens are spent, when the next claim may take a job (epoch ms);
 * empty otherwise
 * @since 0.1.0
 */
public record ClaimResult(List<String> expired, List<ClaimedJob> jobs, OptionalLong nextDue,
		OptionalLong nextLeaseEnd, OptionalLong rateLimitedUntil) {

	/**
	 * A claim without a rate limit in the way.
	 * @param expired ids of jobs whose lease had run out and that were made due again
	 * @param jobs jobs claimed, in due order
	 * @param nextDue due time (epoch ms) of the earliest job still pending in the claimed lane, empty when none
	 * @param nextLeaseEnd earliest lease end (epoch ms) among the topic's jobs in flight, empty when none
	 */
	public ClaimResult(List<String> expired, List<ClaimedJob> jobs, OptionalLong nextDue, OptionalLong nextLeaseEnd) {
		this(expired, jobs, nextDue, nextLeaseEnd, OptionalLong.empty());
	}

}
