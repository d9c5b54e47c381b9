package dev.delayqueue.store;

import dev.delayqueue.JobNames;

/**
 * One partition of a topic: the unit the store keeps together (on Redis, one hash tag and so one cluster slot) and
 * that workers claim from. A topic has one partition, {@code 0}, unless it is configured with more; a job's
 * partition follows from its id.
 *
 * @param topic the topic
 * @param partition the partition number, from 0
 * @since 0.1.0
 */
public record TopicPartition(String topic, int partition) {

	/** Most partitions a topic may have. */
	public static final int MAX_PARTITIONS = 1024;

	/**
	 * Checks the topic name and the partition number.
	 */
	public TopicPartition {
		JobNames.checkTopic(topic);
		if (partition < 0 || partition >= MAX_PARTITIONS) {
			throw new IllegalArgumentException(
					"partition must be between 0 and " + (MAX_PARTITIONS - 1) + ", was " + partition);
		}
	}

	/**
	 * Returns partition 0 of a topic: the only one of a topic that is not partitioned.
	 * @param topic the topic
	 * @return its first partition
	 */
	public static TopicPartition first(String topic) {
		return new TopicPartition(topic, 0);
	}

	@Override
	public String toString() {
		return (this.partition == 0) ? this.topic : this.topic + "#" + this.partition;
	}

}
