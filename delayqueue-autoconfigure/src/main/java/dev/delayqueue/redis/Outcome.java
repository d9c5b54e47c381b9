package dev.delayqueue.redis;

/**
 * The recorded end of one delivery attempt that did not succeed.
 *
 * @param id the job id
 * @param token the lease token of the attempt
 * @param nextDue when to try again (epoch ms), or {@link #DEAD} for the dead state
 * @param refundAttempt whether the attempt is not counted (released at shutdown, or asked to retry later)
 * @param error what went wrong, empty when nothing did (a release)
 * @since 0.1.0
 */
public record Outcome(String id, String token, long nextDue, boolean refundAttempt, String error) {

	/** {@link #nextDue} value that sends the job to the dead state. */
	public static final long DEAD = -1;

}
