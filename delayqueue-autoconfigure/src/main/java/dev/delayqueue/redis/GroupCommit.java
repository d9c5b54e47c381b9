package dev.delayqueue.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Coalesces concurrent one-item writes that share a key into one call (group commit): the first caller to find no
 * call of its key under way makes one for every item queued by then, its own included, while the callers that come
 * meanwhile queue theirs and wait; when that call returns, each waiting caller has its own result, and one of those
 * still queued makes the next call for all of them. A caller alone makes its call at once, as without this class; a
 * caller among many waits for at most the call under way, so the added latency is a fraction of a round trip on
 * average, and Redis runs one script for many items instead of one each.
 * <p>
 * A failed call fails every item in it with the same exception, as each would have failed on its own: the items are
 * checked before they get here, so what fails a call is Redis (down, full, refusing), not an item. The items queued
 * while it ran fail with it, not written, so that no caller waits for Redis's timeout twice.
 * <p>
 * An interrupted caller whose item is still queued fails at once with a {@link DataAccessResourceFailureException}
 * (its item is not written), as a lone call on an interrupted thread fails. One whose item is in a call under way
 * waits for that call, and the caller that makes a call does not let its own interrupt fail the other callers'
 * items in it; either is interrupted again when {@link #write} returns.
 * <p>
 * Threads: safe for concurrent use; the calls run on the callers' threads, one at a time per key.
 *
 * @param <K> what items of one call share (a partition and a mode, say)
 * @param <T> an item
 * @param <R> an item's result
 */
final class GroupCommit<K, T, R> {

	/** Makes one call for items of one key; returns their results in the same order. */
	@FunctionalInterface
	interface Call<K, T, R> {

		List<R> run(K key, List<T> items);

	}

	private final Call<K, T, R> call;

	private final int maxItems;

	private final Map<K, Group<T, R>> groups = new ConcurrentHashMap<>();

	/**
	 * Creates a group commit.
	 * @param call makes one call for the items of a key
	 * @param maxItems the most items in one call (at least 1)
	 */
	GroupCommit(Call<K, T, R> call, int maxItems) {
		if (maxItems < 1) {
			throw new IllegalArgumentException("maxItems must be at least 1, was " + maxItems);
		}
		this.call = call;
		this.maxItems = maxItems;
	}

	/**
	 * Writes one item, in a call with whatever other items of its key are waiting, and returns its result.
	 * @param key the key
	 * @param item the item
	 * @return its result
	 * @throws RuntimeException what the call that carried the item threw
	 */
	R write(K key, T item) {
		Group<T, R> group = this.groups.computeIfAbsent(key, (k) -> new Group<>());
		Waiter<T, R> mine = new Waiter<>(item, Thread.currentThread());
		group.queue.add(mine);
		boolean interrupted = false;
		while (!mine.done) {
			if (group.busy.compareAndSet(false, true)) {
				// the call carries other callers' items: an interrupt of this thread must not fail it for them
				interrupted |= Thread.interrupted();
				try {
					if (!mine.done) {
						commit(key, group);
					}
				}
				finally {
					group.busy.set(false);
				}
				// a caller that queued while this call ran found it busy and waits: it makes the next call
				wakeNext(group);
			}
			else {
				LockSupport.park(this);
				if (Thread.interrupted()) {
					if (group.queue.remove(mine)) {
						// not taken into a call, so never written: the caller fails at once, as a lone call would.
						// It may have been woken to make the next call: the new head of the queue makes it instead
						wakeNext(group);
						Thread.currentThread().interrupt();
						throw new DataAccessResourceFailureException("Interrupted while waiting to write to Redis",
								new InterruptedException());
					}
					// already in a call under way: wait for its result, which tells whether it was written
					interrupted = true;
				}
			}
		}
		if (interrupted) {
			// the item's call ran to its end all the same; the caller learns of the interrupt afterwards
			Thread.currentThread().interrupt();
		}
		if (mine.failure != null) {
			throw mine.failure;
		}
		return mine.result;
	}

	/** Wakes the caller at the head of a key's queue, if any, to make the next call. */
	private static void wakeNext(Group<?, ?> group) {
		Waiter<?, ?> next = group.queue.peek();
		if (next != null) {
			LockSupport.unpark(next.thread);
		}
	}

	/** How many items wait for a call, over every key; for tests. */
	int queued() {
		return this.groups.values().stream().mapToInt((group) -> group.queue.size()).sum();
	}

	/** Makes one call for the items queued now, at most {@link #maxItems}, and hands out their results. */
	private void commit(K key, Group<T, R> group) {
		List<Waiter<T, R>> batch = new ArrayList<>();
		Waiter<T, R> waiter;
		while (batch.size() < this.maxItems && (waiter = group.queue.poll()) != null) {
			batch.add(waiter);
		}
		if (batch.isEmpty()) {
			return;
		}
		List<T> items = new ArrayList<>(batch.size());
		batch.forEach((w) -> items.add(w.item));
		List<R> results = null;
		RuntimeException failure = null;
		try {
			results = this.call.run(key, items);
			if (results.size() != items.size()) {
				failure = new IllegalStateException(
						"A group commit call returned " + results.size() + " results for " + items.size() + " items");
			}
		}
		catch (RuntimeException | Error ex) {
			failure = (ex instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}
		if (failure != null) {
			// the items queued meanwhile fail with it, unsent: their callers learn that Redis failed after one wait for
			// it, not two (a call that times out, then their own call timing out too)
			while ((waiter = group.queue.poll()) != null) {
				batch.add(waiter);
			}
		}
		Thread self = Thread.currentThread();
		for (int i = 0; i < batch.size(); i++) {
			Waiter<T, R> done = batch.get(i);
			if (failure != null) {
				done.failure = failure;
			}
			else {
				done.result = results.get(i);
			}
			done.done = true;
			if (done.thread != self) {
				LockSupport.unpark(done.thread);
			}
		}
	}

	/** The items of one key waiting for a call, and whether one is under way. */
	private static final class Group<T, R> {

		final Queue<Waiter<T, R>> queue = new ConcurrentLinkedQueue<>();

		final AtomicBoolean busy = new AtomicBoolean();

	}

	/** One caller's item, and its result once a call carried it. */
	private static final class Waiter<T, R> {

		final T item;

		final Thread thread;

		@Nullable R result;

		@Nullable RuntimeException failure;

		/** Written after result or failure, read before them: publishes them. */
		volatile boolean done;

		Waiter(T item, Thread thread) {
			this.item = item;
			this.thread = thread;
		}

	}

}
