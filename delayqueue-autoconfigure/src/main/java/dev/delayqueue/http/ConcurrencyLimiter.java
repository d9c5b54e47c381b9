package dev.delayqueue.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Limits callbacks running at once, in all and per host, without blocking a thread: {@link #acquire} returns a
 * future that completes when a slot is free, in arrival order per host; a host below its limit never waits behind
 * another host's queue.
 */
final class ConcurrencyLimiter {

	private final int maxTotal;

	private final int maxPerHost;

	private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

	private final Map<String, Integer> perHost = new HashMap<>();

	private int total;

	private @Nullable RuntimeException closed;

	ConcurrencyLimiter(int maxTotal, int maxPerHost) {
		this.maxTotal = maxTotal;
		this.maxPerHost = maxPerHost;
	}

	/**
	 * Asks for a slot. Cancelling the returned future before it completes gives up the place in line.
	 * @param host the host the callback goes to
	 * @return completes with a permit to {@link Permit#release() release} when the call ends
	 */
	CompletableFuture<Permit> acquire(String host) {
		CompletableFuture<Permit> future = new CompletableFuture<>();
		synchronized (this) {
			if (this.closed != null) {
				return CompletableFuture.failedFuture(this.closed);
			}
			if (canRun(host) && this.waiting.stream().noneMatch((waiter) -> waiter.host.equals(host))) {
				return CompletableFuture.completedFuture(take(host));
			}
			this.waiting.add(new Waiter(host, future));
		}
		future.whenComplete((permit, error) -> {
			if (error != null) {
				synchronized (this) {
					this.waiting.removeIf((waiter) -> waiter.future == future);
				}
			}
		});
		return future;
	}

	/**
	 * Fails every waiting request and every later one with {@code error}; running calls keep their slots.
	 * @param error what the waiting requests complete with
	 */
	void close(RuntimeException error) {
		List<Waiter> dropped;
		synchronized (this) {
			this.closed = error;
			dropped = new ArrayList<>(this.waiting);
			this.waiting.clear();
		}
		dropped.forEach((waiter) -> waiter.future.completeExceptionally(error));
	}

	synchronized int running() {
		return this.total;
	}

	synchronized int waiting() {
		return this.waiting.size();
	}

	private boolean canRun(String host) {
		return this.total < this.maxTotal && this.perHost.getOrDefault(host, 0) < this.maxPerHost;
	}

	private Permit take(String host) {
		this.total++;
		this.perHost.merge(host, 1, Integer::sum);
		return new Permit(this, host);
	}

	private void release(String host) {
		Map<Waiter, Permit> granted = new HashMap<>();
		synchronized (this) {
			this.total--;
			this.perHost.computeIfPresent(host, (h, n) -> (n <= 1) ? null : n - 1);
			Iterator<Waiter> it = this.waiting.iterator();
			while (it.hasNext() && this.total < this.maxTotal) {
				Waiter waiter = it.next();
				if (waiter.future.isDone()) {
					it.remove();
				}
				else if (canRun(waiter.host)) {
					it.remove();
					granted.put(waiter, take(waiter.host));
				}
			}
		}
		granted.forEach((waiter, permit) -> {
			if (!waiter.future.complete(permit)) {
				permit.release();
			}
		});
	}

	/**
	 * A running callback's slot; release exactly once.
	 */
	static final class Permit {

		private final ConcurrencyLimiter limiter;

		private final String host;

		private boolean released;

		private Permit(ConcurrencyLimiter limiter, String host) {
			this.limiter = limiter;
			this.host = host;
		}

		void release() {
			synchronized (this) {
				if (this.released) {
					return;
				}
				this.released = true;
			}
			this.limiter.release(this.host);
		}

	}

	private record Waiter(String host, CompletableFuture<Permit> future) {

	}

}
