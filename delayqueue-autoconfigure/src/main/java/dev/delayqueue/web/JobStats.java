package dev.delayqueue.web;

import dev.delayqueue.TopicStats;

/**
 * The data of {@code GET /job/stats}.
 *
 * @param topic the topic
 * @param pending jobs waiting for their due time or a worker
 * @param inFlight jobs a worker is delivering
 * @param dead jobs that used up their attempts
 */
record JobStats(String topic, long pending, long inFlight, long dead) {

	static JobStats of(TopicStats stats) {
		return new JobStats(stats.topic(), stats.pending(), stats.inFlight(), stats.dead());
	}

}
