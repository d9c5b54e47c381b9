package dev.delayqueue.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.TopicStats;

/**
 * A topic's counts and its oldest pending due time per lane, read together: what metrics, health and the endpoint
 * report per topic.
 *
 * @param stats the counts per state, summed over the topic's partitions and both lanes
 * @param httpPending how many of the pending jobs carry a callback
 * @param oldestLocalDue the earliest due time among pending jobs for local handlers, or {@code null} when none
 * @param oldestHttpDue the earliest due time among pending jobs with a callback, or {@code null} when none
 * @since 0.1.0
 */
public record TopicSnapshot(TopicStats stats, long httpPending, @Nullable Instant oldestLocalDue,
		@Nullable Instant oldestHttpDue) {

	/**
	 * Returns how many pending jobs wait in a lane.
	 * @param lane the lane
	 * @return the count
	 */
	public long pending(Lane lane) {
		return (lane == Lane.HTTP) ? this.httpPending : this.stats.pending() - this.httpPending;
	}

	/**
	 * Returns how long the oldest due job of a lane has been waiting to be claimed.
	 * @param lane the lane
	 * @param now the current time
	 * @return {@code now} minus its due time, or zero when no pending job of the lane is due yet
	 */
	public Duration overdue(Lane lane, Instant now) {
		return waited((lane == Lane.HTTP) ? this.oldestHttpDue : this.oldestLocalDue, now);
	}

	/**
	 * Returns how long the oldest due job of either lane has been waiting to be claimed.
	 * @param now the current time
	 * @return the longer of the two lanes' waits
	 */
	public Duration overdue(Instant now) {
		Duration local = overdue(Lane.LOCAL, now);
		Duration http = overdue(Lane.HTTP, now);
		return (local.compareTo(http) >= 0) ? local : http;
	}

	/**
	 * Returns the running instances that deliver this topic's pending jobs: those with a handler for it, and
	 * callback dispatchers when it has pending callback jobs.
	 * @param instances the running instances
	 * @return their ids, in the order given
	 */
	public List<String> servedBy(List<InstanceInfo> instances) {
		String topic = this.stats.topic();
		List<String> servedBy = new ArrayList<>();
		for (InstanceInfo instance : instances) {
			if (instance.topics().contains(topic) || (instance.callbacks() && pending(Lane.HTTP) > 0)) {
				servedBy.add(instance.id());
			}
		}
		return servedBy;
	}

	/**
	 * Returns whether jobs of a lane are pending and no running instance delivers that lane.
	 * @param instances the running instances
	 * @return {@code true} when pending jobs wait for an instance that is not there
	 */
	public boolean unserved(List<InstanceInfo> instances) {
		boolean localServed = instances.stream().anyMatch((instance) -> instance.topics().contains(this.stats.topic()));
		boolean httpServed = instances.stream().anyMatch(InstanceInfo::callbacks);
		return (pending(Lane.LOCAL) > 0 && !localServed) || (pending(Lane.HTTP) > 0 && !httpServed);
	}

	private static Duration waited(@Nullable Instant due, Instant now) {
		return (due == null || !due.isBefore(now)) ? Duration.ZERO : Duration.between(due, now);
	}

}
