package dev.delayqueue.dashboard;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MinuteCountersTests {

	@Test
	void latenessFallsInTheFirstBucketItFits() {
		assertThat(MinuteCounters.bucket(0)).isZero();
		assertThat(MinuteCounters.bucket(1)).isZero();
		assertThat(MinuteCounters.bucket(3)).isEqualTo(2);
		assertThat(MinuteCounters.bucket(60_000)).isEqualTo(MinuteCounters.BOUNDS_MILLIS.length - 1);
		assertThat(MinuteCounters.bucket(60_001)).isEqualTo(MinuteCounters.BOUNDS_MILLIS.length);
	}

	@Test
	void aTallyAddsOneTopicOrAllAndReadsTheP99FromTheBuckets() {
		Map<String, Long> minute = Map.of("order ok", 98L, "order retry", 1L, "order dead", 1L,
				MinuteCounters.latenessField("order", MinuteCounters.bucket(4)), 99L,
				MinuteCounters.latenessField("order", MinuteCounters.bucket(700)), 1L, "orders ok", 5L,
				MinuteCounters.latenessField("orders", MinuteCounters.bucket(90_000)), 5L, "order l99", 3L,
				"garbage", 1L);
		MinuteCounters.Tally order = new MinuteCounters.Tally();
		order.add(minute, "order");
		assertThat(order.delivered()).isEqualTo(100);
		assertThat(order.latenessQuantile(0.99)).isEqualTo(5L);
		assertThat(order.latenessQuantile(1.0)).isEqualTo(1_000L);
		MinuteCounters.Tally all = new MinuteCounters.Tally();
		all.add(minute, null);
		assertThat(all.delivered()).isEqualTo(105);
		assertThat(all.latenessQuantile(0.99)).as("past the last bound").isEqualTo(-1L);
		assertThat(new MinuteCounters.Tally().latenessQuantile(0.99)).isNull();
	}

}
