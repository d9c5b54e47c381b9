package dev.delayqueue.store;

import java.time.Instant;
import java.util.Set;

/**
 * One running application instance as it announces itself in Redis: what it serves and when it was last heard of.
 * Not job data: the record expires when the instance stops renewing it.
 *
 * @param id the instance's id, unique per start ({@code host:pid:random})
 * @param host the host name
 * @param pid the process id
 * @param topics the topics it delivers to local handlers
 * @param callbacks whether it delivers the callback jobs of every topic
 * @param startedAt when it started
 * @param heartbeatAt when it last renewed its record
 * @since 0.1.0
 */
public record InstanceInfo(String id, String host, long pid, Set<String> topics, boolean callbacks, Instant startedAt,
		Instant heartbeatAt) {

	/**
	 * Copies the topics.
	 */
	public InstanceInfo {
		topics = Set.copyOf(topics);
	}

	/**
	 * Returns whether this instance delivers a topic's jobs of some kind.
	 * @param topic the topic
	 * @param hasCallbackJobs whether the topic has jobs with a callback
	 * @return whether it serves them
	 */
	public boolean serves(String topic, boolean hasCallbackJobs) {
		return this.topics.contains(topic) || (this.callbacks && hasCallbackJobs);
	}

	/**
	 * Returns the same instance with a new heartbeat time.
	 * @param now the time of the heartbeat
	 * @return the renewed record
	 */
	public InstanceInfo renewed(Instant now) {
		return new InstanceInfo(this.id, this.host, this.pid, this.topics, this.callbacks, this.startedAt, now);
	}

}
