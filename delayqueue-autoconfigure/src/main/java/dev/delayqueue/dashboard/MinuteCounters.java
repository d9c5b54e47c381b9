package dev.delayqueue.dashboard;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * How the dashboard's per-minute counters are named and read. Each minute holds, per topic, the deliveries that
 * ended by outcome ({@code <topic> ok}, {@code <topic> retry}, {@code <topic> dead}) and a histogram of lateness
 * (due time to delivery start) over fixed buckets ({@code <topic> l<bucket>}), so the counts of every instance add up
 * and a percentile can be read from their sum. Topics never contain a space.
 */
final class MinuteCounters {

	/** Upper bounds of the lateness buckets, in ms; one more bucket holds everything later. */
	static final long[] BOUNDS_MILLIS = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000,
			60_000 };

	static final int BUCKETS = BOUNDS_MILLIS.length + 1;

	static final String SUCCEEDED = "ok";

	static final String RETRIED = "retry";

	static final String DEAD = "dead";

	private MinuteCounters() {
	}

	static int bucket(long latenessMillis) {
		for (int i = 0; i < BOUNDS_MILLIS.length; i++) {
			if (latenessMillis <= BOUNDS_MILLIS[i]) {
				return i;
			}
		}
		return BOUNDS_MILLIS.length;
	}

	static String field(String topic, String counter) {
		return topic + ' ' + counter;
	}

	static String latenessField(String topic, int bucket) {
		return topic + " l" + bucket;
	}

	/** The counts of one topic (or all topics) over one minute or more. */
	static final class Tally {

		long succeeded;

		long retried;

		long dead;

		final long[] lateness = new long[BUCKETS];

		/** Adds the counters of one minute: of one topic, or of every topic when {@code topic} is null. */
		void add(Map<String, Long> counters, @Nullable String topic) {
			counters.forEach((name, count) -> {
				int space = name.lastIndexOf(' ');
				if (space > 0 && (topic == null || (space == topic.length() && name.startsWith(topic)))) {
					count(name.substring(space + 1), count);
				}
			});
		}

		private void count(String counter, long count) {
			switch (counter) {
				case SUCCEEDED -> this.succeeded += count;
				case RETRIED -> this.retried += count;
				case DEAD -> this.dead += count;
				default -> {
					if (counter.startsWith("l")) {
						int bucket = parseBucket(counter);
						if (bucket >= 0) {
							this.lateness[bucket] += count;
						}
					}
				}
			}
		}

		/** Tallies minutes per topic, reading each counter once. */
		static Map<String, Tally> byTopic(Collection<Map<String, Long>> minutes) {
			Map<String, Tally> tallies = new HashMap<>();
			for (Map<String, Long> counters : minutes) {
				counters.forEach((name, count) -> {
					int space = name.lastIndexOf(' ');
					if (space > 0) {
						tallies.computeIfAbsent(name.substring(0, space), (topic) -> new Tally())
							.count(name.substring(space + 1), count);
					}
				});
			}
			return tallies;
		}

		long delivered() {
			return this.succeeded + this.retried + this.dead;
		}

		/**
		 * Returns the upper bound of the bucket holding the given quantile of lateness.
		 * @param quantile from 0 to 1
		 * @return ms; {@code -1} when later than the last bound; {@code null} when nothing was delivered
		 */
		@Nullable Long latenessQuantile(double quantile) {
			long total = Arrays.stream(this.lateness).sum();
			if (total == 0) {
				return null;
			}
			long rank = (long) Math.ceil(quantile * total);
			long seen = 0;
			for (int i = 0; i < BUCKETS; i++) {
				seen += this.lateness[i];
				if (seen >= rank) {
					return (i < BOUNDS_MILLIS.length) ? BOUNDS_MILLIS[i] : -1L;
				}
			}
			return -1L;
		}

		private static int parseBucket(String counter) {
			try {
				int bucket = Integer.parseInt(counter.substring(1));
				return (bucket >= 0 && bucket < BUCKETS) ? bucket : -1;
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}

	}

}
