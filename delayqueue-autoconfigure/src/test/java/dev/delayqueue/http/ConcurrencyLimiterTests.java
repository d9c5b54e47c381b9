package dev.delayqueue.http;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter's rules (no I/O).
 */
class ConcurrencyLimiterTests {

	@Test
	void aHostBelowItsLimitDoesNotWaitBehindASaturatedHost() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(10, 1);
		CompletableFuture<ConcurrencyLimiter.Permit> a1 = limiter.acquire("a");
		CompletableFuture<ConcurrencyLimiter.Permit> a2 = limiter.acquire("a");
		CompletableFuture<ConcurrencyLimiter.Permit> b1 = limiter.acquire("b");
		assertThat(a1).isDone();
		assertThat(a2).isNotDone();
		assertThat(b1).isDone();
		a1.join().release();
		assertThat(a2).isDone();
		assertThat(limiter.running()).isEqualTo(2);
	}

	@Test
	void theTotalLimitHoldsAndReleasesWakeWaitersInOrderPerHost() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 2);
		CompletableFuture<ConcurrencyLimiter.Permit> a1 = limiter.acquire("a");
		CompletableFuture<ConcurrencyLimiter.Permit> a2 = limiter.acquire("a");
		CompletableFuture<ConcurrencyLimiter.Permit> b1 = limiter.acquire("b");
		CompletableFuture<ConcurrencyLimiter.Permit> a3 = limiter.acquire("a");
		assertThat(b1).isNotDone();
		assertThat(a3).isNotDone();
		a1.join().release();
		a1.join().release();
		assertThat(b1).isDone();
		assertThat(a3).isNotDone();
		assertThat(limiter.running()).isEqualTo(2);
		a2.join().release();
		assertThat(a3).isDone();
	}

	@Test
	void cancelledWaitersGiveUpTheirPlaceAndClosingFailsTheRest() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 1);
		CompletableFuture<ConcurrencyLimiter.Permit> first = limiter.acquire("a");
		CompletableFuture<ConcurrencyLimiter.Permit> cancelled = limiter.acquire("a");
		CompletableFuture<ConcurrencyLimiter.Permit> waiting = limiter.acquire("a");
		cancelled.cancel(false);
		assertThat(limiter.waiting()).isOne();
		limiter.close(new CancellationException("stopping"));
		assertThat(waiting).isCompletedExceptionally();
		assertThat(limiter.acquire("b")).isCompletedExceptionally();
		first.join().release();
		assertThat(limiter.running()).isZero();
	}

}
