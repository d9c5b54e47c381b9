package dev.delayqueue.redis;

import java.util.List;

/**
 * What one claim did.
 *
 * @param expired ids of jobs whose lease had run out and that were made due again
 * @param jobs jobs claimed, in due order
 * @param nextDue due time (epoch ms) of the earliest job still pending, or -1 when none
 * @param nextLeaseEnd earliest lease end (epoch ms) among jobs in flight, or -1 when none
 * @since 0.1.0
 */
public record ClaimResult(List<String> expired, List<ClaimedJob> jobs, long nextDue, long nextLeaseEnd) {

}
