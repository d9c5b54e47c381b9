package dev.delayqueue.store;

import org.jspecify.annotations.Nullable;

/**
 * The end of a delivery of a recurring job's occurrence, and its next occurrence, for {@link JobStore#recur}: written
 * together, while the lease token still matches.
 *
 * @param lease the claim
 * @param occurrence the occurrence that ended
 * @param deadError the error when the occurrence died (it is copied to a dead job {@link Occurrence#deadId()}), or
 * {@code null} when it succeeded or was skipped
 * @param countAttempt whether the dead attempt counts (not when the lease ran out before the handler started)
 * @param next the next occurrence, or {@code null} when there is none (the schedule is gone)
 * @param nextJob the next occurrence's job: id the schedule's name, due at {@code next.at()}; {@code null} with
 * {@code next}
 * @since 0.2.0
 */
public record Recurred(Lease lease, Occurrence occurrence, @Nullable String deadError, boolean countAttempt,
		@Nullable Occurrence next, @Nullable StoredJob nextJob) {

	/**
	 * Checks that {@code next} and {@code nextJob} come together.
	 */
	public Recurred {
		if ((next == null) != (nextJob == null)) {
			throw new IllegalArgumentException("next and nextJob must both be given or both be null");
		}
	}

}
