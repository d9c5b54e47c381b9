package dev.delayqueue.worker;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Outcome;

/**
 * How one delivery ended, handed from the thread that ran it to the {@link OutcomeRecorder}.
 */
sealed interface Completion {

	/**
	 * Returns the lane the job was claimed from.
	 * @return the lane
	 */
	TopicLane lane();

	/**
	 * Returns the claimed job.
	 * @return the job and its lease
	 */
	ClaimedJob claimed();

	/**
	 * The handler returned normally (the callback's answer met its success contract): the job is deleted.
	 *
	 * @param lane the lane
	 * @param claimed the job
	 * @param took how long delivery took
	 */
	record Succeeded(TopicLane lane, ClaimedJob claimed, Duration took) implements Completion {
	}

	/**
	 * The delivery failed, or the job may not be tried again: the outcome says what happens next.
	 *
	 * @param lane the lane
	 * @param claimed the job
	 * @param outcome a retry or the dead state
	 * @param cause what the handler threw, {@code null} when the job failed without running (its lease ran out on
	 * its final attempt)
	 * @param took how long delivery ran, zero when it did not
	 */
	record Failed(TopicLane lane, ClaimedJob claimed, Outcome outcome, @Nullable Throwable cause,
			Duration took) implements Completion {
	}

	/**
	 * The job was given back without running to its end (shutdown), its attempt not counted.
	 *
	 * @param lane the lane
	 * @param claimed the job
	 * @param took how long delivery ran before it was given back, zero when it had not started
	 */
	record Released(TopicLane lane, ClaimedJob claimed, Duration took) implements Completion {

		Outcome outcome() {
			return Outcome.release(this.claimed.lease(), this.claimed.job().dueAt().toEpochMilli());
		}

	}

	/**
	 * An occurrence of a recurring job that skips missed occurrences was found too late and not delivered: the next
	 * occurrence replaces it.
	 *
	 * @param lane the lane
	 * @param claimed the occurrence
	 * @param late how late it was
	 */
	record Skipped(TopicLane lane, ClaimedJob claimed, Duration late) implements Completion {
	}

}
