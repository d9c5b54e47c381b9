package dev.delayqueue.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Percentiles of a sample, and medians of repetitions.
 */
final class Stats {

	private final long[] sorted;

	Stats(long[] values) {
		this.sorted = values.clone();
		Arrays.sort(this.sorted);
	}

	static Stats of(List<Long> values) {
		return new Stats(values.stream().mapToLong(Long::longValue).toArray());
	}

	long percentile(double p) {
		if (this.sorted.length == 0) {
			return -1;
		}
		int index = (int) Math.min(this.sorted.length - 1, Math.ceil(p * this.sorted.length) - 1);
		return this.sorted[Math.max(0, index)];
	}

	long max() {
		return (this.sorted.length == 0) ? -1 : this.sorted[this.sorted.length - 1];
	}

	int size() {
		return this.sorted.length;
	}

	static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

}
