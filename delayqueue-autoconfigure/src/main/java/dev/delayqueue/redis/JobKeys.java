package dev.delayqueue.redis;

import java.util.List;

import dev.delayqueue.store.Lane;
import dev.delayqueue.store.TopicPartition;

/**
 * The Redis key layout. Every key of a topic partition carries the partition as its hash tag ({@code {topic}} for
 * partition 0, {@code {topic#n}} for partition n), so each script touches a single Redis Cluster slot and the
 * partitions of one topic spread over the cluster's slots:
 * <pre>
 * {prefix}:{tag}:due          sorted set: id → due time (ms), pending jobs for local handlers
 * {prefix}:{tag}:due:http     sorted set: id → due time (ms), pending jobs with an HTTP callback
 * {prefix}:{tag}:inflight     sorted set: id → lease end (ms), jobs being delivered (both lanes)
 * {prefix}:{tag}:dead         sorted set: id → time of death (ms)
 * {prefix}:{tag}:job:{id}     hash: the job (body, due, attempts, state, lease token, callback, ...)
 * {prefix}:{tag}:req:{uuid}   string: a request the outbox relayed, remembered for delayqueue.outbox.dedup-window
 * {prefix}:{tag}:rate         hash: tokens and when counted, the token bucket of a partition with a rate limit;
 *                             expires once it would be full again
 * {prefix}:topics             set: every topic ever scheduled (discovery only)
 * {prefix}:topics:http        set: every topic ever given a job with a callback (discovery by dispatchers)
 * {prefix}:partitions         hash: "topic#count" → 1 for each partition count other than 1 a topic was used with
 * {prefix}:{#recurring}       hash: recurring job name → its definition (JSON); occurrences are jobs of their topic
 * {prefix}:{#instances}       sorted set: running instance id → last heartbeat (ms); expires when none renews it
 * {prefix}:{#instances}:{id}  string: one instance's record (host, pid, topics, start); expires unless renewed
 * {prefix}:{#minutes}:{n}     hash: the dashboard's counters of minute n (epoch minutes), "topic counter" → count;
 *                             expires 90 minutes after its last change
 * {prefix}:wake               pub/sub channel: "topic dueMillis lane partition" when a job becomes the earliest of
 *                             its lane (on a single Redis, Sentinel, or a cluster before Redis 7); on a cluster of
 *                             Redis 7 only when this instance writes a partition and lane for the first time
 * {prefix}:{tag}:wake         shard channel of a partition, on a cluster of Redis 7: the same announcements, published
 *                             with SPUBLISH to the partition's own slot instead of to every node
 * </pre>
 * Topics cannot contain braces or {@code #}, so the hash tag and the key are unique for each {@code (topic, id)}.
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

	String due(TopicPartition partition, Lane lane) {
		return tagged(partition) + ((lane == Lane.HTTP) ? ":due:http" : ":due");
	}

	String inFlight(TopicPartition partition) {
		return tagged(partition) + ":inflight";
	}

	String dead(TopicPartition partition) {
		return tagged(partition) + ":dead";
	}

	String rate(TopicPartition partition) {
		return tagged(partition) + ":rate";
	}

	String job(TopicPartition partition, String id) {
		return tagged(partition) + ":job:" + id;
	}

	/** The marker of a request the outbox relayed, in the slot of the job it asked for; it expires. */
	String request(TopicPartition partition, String requestId) {
		return tagged(partition) + ":req:" + requestId;
	}

	/**
	 * The four sorted sets of a partition, in the order every script takes them: KEYS[1] local due set, KEYS[2] HTTP
	 * due set, KEYS[3] in-flight set, KEYS[4] dead set.
	 */
	List<String> sets(TopicPartition partition) {
		String tagged = tagged(partition);
		return List.of(tagged + ":due", tagged + ":due:http", tagged + ":inflight", tagged + ":dead");
	}

	String topics() {
		return this.prefix + ":topics";
	}

	String topics(Lane lane) {
		return (lane == Lane.HTTP) ? topics() + ":http" : topics();
	}

	String partitionCounts() {
		return this.prefix + ":partitions";
	}

	/**
	 * The index of running instances: a sorted set, id to last heartbeat (ms); one hash tag with the records,
	 * starting with {@code #}, which no topic may contain, so no topic's keys can meet these.
	 */
	String instances() {
		return this.prefix + ":{#instances}";
	}

	/**
	 * The counters of one minute (a hash that expires): deliveries and lateness per topic, added to by every
	 * instance. Under a hash tag of its own, like {@link #instances()}.
	 */
	String minute(long minute) {
		return this.prefix + ":{#minutes}:" + minute;
	}

	/** The definitions of recurring jobs: a hash, name to JSON, under a hash tag of its own. */
	String recurring() {
		return this.prefix + ":{#recurring}";
	}

	/** One instance's record, a string that expires unless renewed. */
	String instance(String id) {
		return instances() + ":" + id;
	}

	/**
	 * Returns the pub/sub channel on which the store announces new earliest due times.
	 * @return the channel name
	 */
	public String wakeChannel() {
		return this.prefix + ":wake";
	}

	/**
	 * Returns the shard channel of a partition, in the partition's slot, for announcements on a cluster.
	 * @param partition the partition
	 * @return the channel name
	 */
	public String wakeChannel(TopicPartition partition) {
		return tagged(partition) + ":wake";
	}

	private String tagged(TopicPartition partition) {
		String tag = (partition.partition() == 0) ? partition.topic()
				: partition.topic() + "#" + partition.partition();
		return this.prefix + ":{" + tag + "}";
	}

}
