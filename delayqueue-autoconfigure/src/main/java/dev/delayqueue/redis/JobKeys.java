package dev.delayqueue.redis;

import dev.delayqueue.JobNames;
import dev.delayqueue.store.Lane;

/**
 * The Redis key layout. Every key of a topic carries the topic as its hash tag, so each script touches a single
 * Redis Cluster slot:
 * <pre>
 * {prefix}:{{topic}}:due        sorted set: id → due time (ms), pending jobs for local handlers
 * {prefix}:{{topic}}:due:http   sorted set: id → due time (ms), pending jobs with an HTTP callback
 * {prefix}:{{topic}}:inflight   sorted set: id → lease end (ms), jobs being delivered (both lanes)
 * {prefix}:{{topic}}:dead       sorted set: id → time of death (ms)
 * {prefix}:{{topic}}:job:{id}   hash: the job (body, due, attempts, state, lease token, callback, ...)
 * {prefix}:topics               set: every topic ever scheduled (discovery only)
 * {prefix}:topics:http          set: every topic ever given a job with a callback (discovery by dispatchers)
 * {prefix}:wake                 pub/sub channel: "topic dueMillis lane" when a job becomes the earliest of its lane
 * </pre>
 * Topics cannot contain braces, so the hash tag and the key are unique for each {@code (topic, id)}.
 *
 * @param prefix the key prefix
 * @since 0.1.0
 */
public record JobKeys(String prefix) {

	/** Default key prefix. */
	public static final String DEFAULT_PREFIX = "delayqueue";

	/**
	 * Checks the prefix: not empty, no braces, no whitespace or control characters.
	 */
	public JobKeys {
		if (prefix.isEmpty() || prefix.chars().anyMatch((c) -> c == '{' || c == '}' || c <= ' ' || c == 0x7f)) {
			throw new IllegalArgumentException("delayqueue.redis.key-prefix must be non-empty, without braces, "
					+ "whitespace or control characters, was '" + prefix + "'");
		}
	}

	String due(String topic) {
		return topicKey(topic) + ":due";
	}

	String due(String topic, Lane lane) {
		return (lane == Lane.HTTP) ? due(topic) + ":http" : due(topic);
	}

	String inFlight(String topic) {
		return topicKey(topic) + ":inflight";
	}

	String dead(String topic) {
		return topicKey(topic) + ":dead";
	}

	String jobPrefix(String topic) {
		return topicKey(topic) + ":job:";
	}

	String job(String topic, String id) {
		return jobPrefix(topic) + id;
	}

	String topics() {
		return this.prefix + ":topics";
	}

	String topics(Lane lane) {
		return (lane == Lane.HTTP) ? topics() + ":http" : topics();
	}

	/**
	 * Returns the pub/sub channel on which the store announces new earliest due times.
	 * @return the channel name
	 */
	public String wakeChannel() {
		return this.prefix + ":wake";
	}

	private String topicKey(String topic) {
		return this.prefix + ":{" + JobNames.checkTopic(topic) + "}";
	}

}
