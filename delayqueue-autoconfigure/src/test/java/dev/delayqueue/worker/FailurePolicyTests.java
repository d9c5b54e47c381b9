package dev.delayqueue.worker;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobState;
import dev.delayqueue.NonRetryableJobException;
import dev.delayqueue.RetryJobLaterException;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Lease;
import dev.delayqueue.store.Outcome;
import dev.delayqueue.store.TopicPartition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure policy alone: no threads, no Redis, a fixed random source.
 */
class FailurePolicyTests {

	private static final long NOW = 1_000_000;

	/** Always the middle of the jitter range: no spread. */
	private final FailurePolicy policy = new FailurePolicy(new Fixed(0.5));

	private final TopicSettings settings = TopicSettings.builder()
		.maxAttempts(3)
		.initialInterval(Duration.ofSeconds(1))
		.multiplier(2)
		.maxInterval(Duration.ofSeconds(3))
		.noRetryFor(List.of(IllegalStateException.class))
		.build();

	@Test
	void failureWithAttemptsLeftIsRetriedAfterTheTopicsBackoff() {
		assertThat(this.policy.afterFailure(new IOException("down"), claimed(1, null, null), this.settings, NOW))
			.isEqualTo(Outcome.retry(lease(), NOW + 1_000, true, "java.io.IOException: down"));
		assertThat(this.policy.afterFailure(new IOException("down"), claimed(2, null, null), this.settings, NOW))
			.isEqualTo(Outcome.retry(lease(), NOW + 2_000, true, "java.io.IOException: down"));
	}

	@Test
	void lastAttemptFailingSendsTheJobToTheDeadState() {
		assertThat(this.policy.afterFailure(new IOException("down"), claimed(3, null, null), this.settings, NOW))
			.isEqualTo(Outcome.dead(lease(), true, "java.io.IOException: down"));
	}

	@Test
	void theJobsOwnLimitAndBackoffWinOverTheTopics() {
		Backoff own = new Backoff(Duration.ofSeconds(10), 3, Duration.ofMinutes(1));
		assertThat(this.policy.afterFailure(new IOException(), claimed(3, 5, own), this.settings, NOW))
			.isEqualTo(Outcome.retry(lease(), NOW + 60_000, true, "java.io.IOException"));
		assertThat(this.policy.afterFailure(new IOException(), claimed(1, 1, own), this.settings, NOW))
			.isInstanceOf(Outcome.Dead.class);
	}

	@Test
	void nonRetryableFailuresAreDeadAtOnce() {
		assertThat(this.policy.afterFailure(new NonRetryableJobException("no"), claimed(1, null, null),
				this.settings, NOW))
			.isInstanceOf(Outcome.Dead.class);
		assertThat(this.policy.afterFailure(new IllegalStateException("listed"), claimed(1, null, null),
				this.settings, NOW))
			.isEqualTo(Outcome.dead(lease(), true, "java.lang.IllegalStateException: listed"));
	}

	@Test
	void retryLaterSetsTheTimeAndMayLeaveTheAttemptUncounted() {
		assertThat(this.policy.afterFailure(new RetryJobLaterException(Duration.ofMinutes(5), "busy"),
				claimed(1, null, null), this.settings, NOW))
			.isEqualTo(Outcome.retry(lease(), NOW + 300_000, false, RetryJobLaterException.class.getName() + ": busy"));
		assertThat(this.policy.afterFailure(new RetryJobLaterException(Duration.ofSeconds(5), "wait"),
				claimed(3, null, null), this.settings, NOW))
			.isEqualTo(Outcome.retry(lease(), NOW + 5_000, false, RetryJobLaterException.class.getName() + ": wait"));
		assertThat(this.policy.afterFailure(new RetryJobLaterException(Duration.ofSeconds(5), true, "counted"),
				claimed(3, null, null), this.settings, NOW))
			.isInstanceOf(Outcome.Dead.class);
	}

	@Test
	void jitterSpreadsTheTopicsBackoff() {
		FailurePolicy low = new FailurePolicy(new Fixed(0.0));
		TopicSettings jittered = this.settings.toBuilder().jitter(0.5).build();
		assertThat(low.afterFailure(new IOException(), claimed(2, null, null), jittered, NOW))
			.isEqualTo(Outcome.retry(lease(), NOW + 1_000, true, "java.io.IOException"));
	}

	@Test
	void aJobWhoseLeaseRanOutOnItsFinalAttemptIsDeadBeforeItRuns() {
		assertThat(this.policy.beforeDelivery(claimed(3, null, null), this.settings)).isEmpty();
		assertThat(this.policy.beforeDelivery(claimed(4, null, null), this.settings))
			.contains(Outcome.dead(lease(), false, "Lease ran out on the final attempt (3)"));
	}

	@Test
	void longErrorsAreCut() {
		String text = FailurePolicy.describe(new IOException("x".repeat(5_000)));
		assertThat(text).hasSize(FailurePolicy.MAX_ERROR_LENGTH).startsWith("java.io.IOException: xxx");
	}

	private static Lease lease() {
		return new Lease("42", "t:1");
	}

	private static ClaimedJob claimed(int attempts, @Nullable Integer maxAttempts, @Nullable Backoff backoff) {
		Instant due = Instant.ofEpochMilli(NOW - 10);
		DelayedJob job = new DelayedJob("order", "42", JobState.IN_FLIGHT, null, due, attempts, maxAttempts, due, due,
				null, null, backoff);
		return new ClaimedJob(TopicPartition.first("order"), job, "t:1", NOW + 30_000);
	}

	private record Fixed(double value) implements RandomGenerator {

		@Override
		public long nextLong() {
			return 0;
		}

		@Override
		public double nextDouble() {
			return this.value;
		}

	}

}
