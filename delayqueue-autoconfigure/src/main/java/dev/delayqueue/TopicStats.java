package dev.delayqueue;

/**
 * How many jobs of a topic are in each state.
 *
 * @param topic the topic
 * @param pending jobs waiting for their due time or next attempt
 * @param inFlight jobs claimed by a worker
 * @param dead jobs that exhausted their attempts
 * @since 0.1.0
 */
public record TopicStats(String topic, long pending, long inFlight, long dead) {

}
