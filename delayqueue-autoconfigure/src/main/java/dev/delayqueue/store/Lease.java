package dev.delayqueue.store;

/**
 * A claim on a job: its id and the token the claim script gave it.
 *
 * @param id the job id
 * @param token the lease token
 * @since 0.1.0
 */
public record Lease(String id, String token) {

}
