package dev.delayqueue.redis;

import dev.delayqueue.DelayedJob;

/**
 * A job claimed by a worker, with the lease token that proves the claim to later scripts.
 *
 * @param job the job, in state {@code IN_FLIGHT}, {@code attempts} counting this attempt
 * @param token the lease token
 * @param leaseEnd when the lease ends unless extended (epoch ms)
 * @since 0.1.0
 */
public record ClaimedJob(DelayedJob job, String token, long leaseEnd) {

}
