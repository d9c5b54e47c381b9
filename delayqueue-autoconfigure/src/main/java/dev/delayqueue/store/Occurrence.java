package dev.delayqueue.store;

/**
 * What makes a job an occurrence of a recurring job: stored with it, read back when it is claimed.
 *
 * @param schedule the recurring job's name (also the occurrence's id)
 * @param version the version of the schedule the occurrence was planned with
 * @param at the occurrence's time (epoch ms): when it was planned for, which retries do not move
 * @param skipAfterMillis how late its first attempt may start before it is skipped, or 0 to run it however late
 * @since 0.2.0
 */
public record Occurrence(String schedule, String version, long at, long skipAfterMillis) {

	/**
	 * Returns the id of the dead job a failed occurrence leaves: the schedule's name, {@code @}, its time.
	 * @return the id
	 */
	public String deadId() {
		return this.schedule + "@" + this.at;
	}

}
