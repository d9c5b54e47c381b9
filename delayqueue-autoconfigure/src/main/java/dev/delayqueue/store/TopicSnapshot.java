package dev.delayqueue.store;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.TopicStats;

/**
 * A topic's counts and its oldest pending due time, read together: what metrics and health report per topic.
 *
 * @param stats the counts per state, summed over the topic's partitions
 * @param oldestDue the earliest due time among the topic's pending jobs (both lanes), or {@code null} when none is
 * pending
 * @since 0.1.0
 */
public record TopicSnapshot(TopicStats stats, @Nullable Instant oldestDue) {

	/**
	 * Returns how long the oldest due job has been waiting to be claimed.
	 * @param now the current time
	 * @return {@code now} minus the oldest due time, or zero when no pending job is due yet
	 */
	public Duration overdue(Instant now) {
		if (this.oldestDue == null || !this.oldestDue.isBefore(now)) {
			return Duration.ZERO;
		}
		return Duration.between(this.oldestDue, now);
	}

}
