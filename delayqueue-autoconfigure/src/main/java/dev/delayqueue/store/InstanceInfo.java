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

}
