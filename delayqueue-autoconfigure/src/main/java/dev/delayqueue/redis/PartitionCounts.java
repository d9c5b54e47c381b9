package dev.delayqueue.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.store.TopicPartition;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Which partition holds a job, also after a topic's partition count changed. A job's partition follows from its id
 * and the count the scheduling instance was configured with ({@link #partitionOf}); a job stays in the partition it
 * was created in until it is done. So that every instance finds jobs created under other counts, each count other
 * than 1 ever used for a topic is recorded in Redis (field {@code topic#count} of {@link JobKeys#partitionCounts()})
 * before a job is written with it. The record is read again every {@link #REFRESH_NANOS} and whenever a job is not
 * found where the known counts put it (one small read per miss, at most every {@link #MISS_REFRESH_NANOS}: a job
 * written under a count this instance has not seen yet is found, since its count was recorded before it), and this
 * instance's own count is written again when the record has lost it (a failover), so it heals without a restart.
 * <p>
 * Threads: safe for concurrent use; the cached record is replaced whole, by the caller's thread or the store's
 * background thread.
 */
final class PartitionCounts {

	/** The id of a dead occurrence of a recurring job: its schedule's name, {@code @}, the occurrence's time. */
	private static final Pattern DEAD_OCCURRENCE = Pattern.compile("([A-Za-z0-9_.:\\-]+)@[0-9]+");

	static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);

	/**
	 * Least time between two reads of the record after misses: every miss of a whole cluster's instances would
	 * otherwise read the one key; a count recorded less than this before a miss may be missed.
	 */
	static final long MISS_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	/** How soon a failed read of the record is tried again. */
	static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

	private static final Logger logger = LoggerFactory.getLogger(PartitionCounts.class);

	private final StringRedisTemplate redis;

	private final JobKeys keys;

	private final ToIntFunction<String> configured;

	private final Executor background;

	private final AtomicBoolean refreshing = new AtomicBoolean();

	/** Counts other than 1 recorded in Redis, by topic. */
	private volatile Map<String, Set<Integer>> recorded = Map.of();

	/** When {@link #recorded} was read ({@link System#nanoTime()}); 0 before the first read. */
	private volatile long readAt;

	PartitionCounts(StringRedisTemplate redis, JobKeys keys, ToIntFunction<String> configured, Executor background) {
		this.redis = redis;
		this.keys = keys;
		this.configured = configured;
		this.background = background;
	}

	/**
	 * Returns the partition a job id belongs to under a partition count.
	 * @param id the job id
	 * @param count the partition count, at least 1
	 * @return the partition, from 0 to {@code count - 1}
	 */
	static int partitionOf(String id, int count) {
		if (count == 1) {
			return 0;
		}
		CRC32 crc = new CRC32();
		crc.update(id.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % count);
	}

	/**
	 * Returns the partition count this instance writes new jobs of a topic with, recording it first when needed.
	 * @param topic the topic
	 * @return the configured count, at least 1
	 */
	int configured(String topic) {
		int count = this.configured.applyAsInt(topic);
		if (count < 1 || count > TopicPartition.MAX_PARTITIONS) {
			throw new IllegalStateException("Partition count of topic '" + topic + "' must be between 1 and "
					+ TopicPartition.MAX_PARTITIONS + ", was " + count);
		}
		if (count > 1 && !recorded(false).getOrDefault(topic, Set.of()).contains(count)) {
			// recorded before any job is written with it, so that every instance can find those jobs
			this.redis.opsForHash().put(this.keys.partitionCounts(), topic + "#" + count, "1");
			refresh();
		}
		return count;
	}

	/**
	 * Returns where a job of the topic may be: its partition under this instance's count first, then under every
	 * other count the topic was used with.
	 * @param topic the topic
	 * @param id the job id
	 * @param afterMiss whether the caller looked in the known places and found nothing: reads the record of counts
	 * again first
	 * @return the partitions, without repeats
	 */
	List<TopicPartition> locations(String topic, String id, boolean afterMiss) {
		return partitionsOf(id, counts(topic, afterMiss)).stream().map((p) -> new TopicPartition(topic, p)).toList();
	}

	/**
	 * Returns every partition that may hold jobs of a topic: 0 up to the largest count the topic was used with.
	 * @param topic the topic
	 * @return the partitions, in order
	 */
	List<TopicPartition> all(String topic) {
		int max = counts(topic, false).stream().mapToInt(Integer::intValue).max().orElse(1);
		return java.util.stream.IntStream.range(0, max).mapToObj((p) -> new TopicPartition(topic, p)).toList();
	}

	/** This instance's count first, then 1 (every topic may have jobs in partition 0), then the recorded ones. */
	private Set<Integer> counts(String topic, boolean afterMiss) {
		Set<Integer> counts = new LinkedHashSet<>();
		counts.add(configured(topic));
		counts.add(1);
		Map<String, Set<Integer>> record = afterMiss ? recorded(true) : recorded(false);
		counts.addAll(record.getOrDefault(topic, Set.of()));
		return counts;
	}

	/**
	 * The partitions of an id under each count; for an id of the form {@code name@digits} (the dead copy of a
	 * recurring job's occurrence, written beside the occurrence) also those of {@code name}, after its own.
	 */
	private static Set<Integer> partitionsOf(String id, Set<Integer> counts) {
		Set<Integer> partitions = new LinkedHashSet<>();
		for (int count : counts) {
			partitions.add(partitionOf(id, count));
		}
		Matcher occurrence = DEAD_OCCURRENCE.matcher(id);
		if (occurrence.matches()) {
			for (int count : counts) {
				partitions.add(partitionOf(occurrence.group(1), count));
			}
		}
		return partitions;
	}

	/**
	 * The record as last read. Read on the caller's thread the first time and after a miss (a failure then keeps
	 * what was known); when it is merely old, read again in the background while the old one serves, so that a
	 * Redis node that is gone (the one holding the record) never holds up the scheduling of other topics.
	 */
	private Map<String, Set<Integer>> recorded(boolean afterMiss) {
		if (this.readAt == 0 || (afterMiss && System.nanoTime() - this.readAt > MISS_REFRESH_NANOS)) {
			refreshQuietly();
		}
		else if (System.nanoTime() - this.readAt > REFRESH_NANOS && this.refreshing.compareAndSet(false, true)) {
			try {
				this.background.execute(() -> {
					try {
						refreshQuietly();
					}
					finally {
						this.refreshing.set(false);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				this.refreshing.set(false);
			}
		}
		return this.recorded;
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			// tried again after a while, or at the next miss
			this.readAt = System.nanoTime() - REFRESH_NANOS + RETRY_NANOS;
			logger.warn("Cannot read the partition counts of delayqueue topics ({}); using what was read before",
					ex.getMessage());
		}
	}

	private synchronized void refresh() {
		Map<Object, Object> entries = this.redis.opsForHash().entries(this.keys.partitionCounts());
		Map<String, Set<Integer>> counts = new HashMap<>();
		for (Object field : entries.keySet()) {
			String name = (String) field;
			int hash = name.lastIndexOf('#');
			if (hash > 0) {
				try {
					counts.computeIfAbsent(name.substring(0, hash), (t) -> new TreeSet<>())
						.add(Integer.parseInt(name.substring(hash + 1)));
				}
				catch (NumberFormatException ex) {
					// not written by delayqueue: ignored
				}
			}
		}
		this.recorded = counts;
		this.readAt = System.nanoTime();
	}

}
