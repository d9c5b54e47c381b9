package dev.delayqueue.store;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.JobState;

/**
 * What a change made once per request (the outbox's relay) did.
 *
 * @param appliedBefore whether the request had been made before: nothing changed
 * @param state the state the job was in when the change was made; {@code null} when there was no such job, or with
 * {@code appliedBefore}
 * @since 0.2.0
 */
public record OnceOutcome(boolean appliedBefore, @Nullable JobState state) {

	/** The request had been made before. */
	public static final OnceOutcome APPLIED_BEFORE = new OnceOutcome(true, null);

}
