package dev.delayqueue;

import java.time.Duration;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import dev.delayqueue.worker.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * One exponential formula for a job's own backoff and a topic's retry policy, with the same limits.
 */
class BackoffTests {

	/** The middle of the jitter range: no spread. */
	private static final RandomGenerator NO_SPREAD = () -> 0;

	@Test
	void waitsGrowByTheMultiplierUpToTheLongestWait() {
		Backoff backoff = new Backoff(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(50));
		assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(10));
		assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(20));
		assertThat(backoff.after(3)).isEqualTo(Duration.ofSeconds(40));
		assertThat(backoff.after(4)).isEqualTo(Duration.ofSeconds(50));
		assertThat(backoff.after(10_000)).isEqualTo(Duration.ofSeconds(50));
	}

	@Test
	void aRetryPolicyWithoutJitterWaitsWhatTheSameBackoffWaits() {
		Backoff backoff = new Backoff(Duration.ofMillis(1500), 3.0, Duration.ofHours(1));
		RetryPolicy policy = new RetryPolicy(100, Duration.ofMillis(1500), 3.0, Duration.ofHours(1), 0.0);
		for (int attempt = 1; attempt <= 20; attempt++) {
			assertThat(policy.backoff(attempt, new Middle())).isEqualTo(backoff.after(attempt));
		}
	}

	@Test
	void jitterSpreadsAroundTheFormula() {
		RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10), 0.1);
		assertThat(policy.backoff(2, NO_SPREAD)).isEqualTo(Duration.ofSeconds(18));
		assertThat(policy.backoff(2, new Middle())).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void bothRefuseTheSameValues() {
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(1), 101, Duration.ofSeconds(2)))
			.withMessageContaining("backoff.multiplier");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(1), 101, Duration.ofSeconds(2), 0))
			.withMessage("multiplier must be between 1 and 100, was 101.0");
		assertThatExceptionOfType(InvalidJobException.class)
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(1), 2, Duration.ofDays(8)))
			.withMessageContaining("backoff.maxInterval");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(1), 2, Duration.ofDays(8), 0))
			.withMessage("maxInterval must be at most PT168H, was PT192H");
	}

	private static final class Middle implements RandomGenerator {

		@Override
		public long nextLong() {
			return 0;
		}

		@Override
		public double nextDouble() {
			return 0.5;
		}

	}

}
