package dev.delayqueue.micrometer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cardinality guard: the first {@code max} topics seen get their own tag value, every later one shares
 * {@link #OTHER}, so a topic per customer cannot explode the number of meters.
 */
final class TopicTags {

	/** The tag value of the topics past the limit; parentheses cannot occur in a topic, so it names none. */
	static final String OTHER = "(other)";

	private final int max;

	/** Written by any thread that meets a new topic while there is room; read by every thread. */
	private final Set<String> own = ConcurrentHashMap.newKeySet();

	/** Set once the limit is reached, so that later topics are answered without taking the lock. */
	private volatile boolean full;

	TopicTags(int max) {
		this.max = max;
	}

	/**
	 * Returns the tag value for a topic: the topic itself while there is room, else {@link #OTHER}.
	 */
	String of(String topic) {
		if (this.own.contains(topic)) {
			return topic;
		}
		if (this.full) {
			return OTHER;
		}
		synchronized (this.own) {
			if (this.own.size() < this.max) {
				this.own.add(topic);
				return topic;
			}
			this.full = true;
		}
		return OTHER;
	}

	/**
	 * Returns whether a topic has its own tag value (taking room for it if there is some).
	 */
	boolean hasOwn(String topic) {
		return !of(topic).equals(OTHER);
	}

}
