package dev.delayqueue.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitTests {

	@Test
	void aCallerAloneMakesItsOwnCallAtOnce() {
		List<List<Integer>> calls = new CopyOnWriteArrayList<>();
		GroupCommit<String, Integer, String> commit = new GroupCommit<>((key, items) -> {
			calls.add(List.copyOf(items));
			return items.stream().map((item) -> key + item).toList();
		}, 10);
		assertThat(commit.write("a", 1)).isEqualTo("a1");
		assertThat(commit.write("b", 2)).isEqualTo("b2");
		assertThat(calls).containsExactly(List.of(1), List.of(2));
	}

	@Test
	void callersArrivingDuringACallShareTheNextOneAndEachGetsItsOwnResult() throws Exception {
		CountDownLatch firstCallStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<List<Integer>> calls = new CopyOnWriteArrayList<>();
		GroupCommit<String, Integer, Integer> commit = new GroupCommit<>((key, items) -> {
			calls.add(List.copyOf(items));
			if (calls.size() == 1) {
				firstCallStarted.countDown();
				await(release);
			}
			return items.stream().map((item) -> item * 10).toList();
		}, 100);
		ExecutorService threads = Executors.newFixedThreadPool(9);
		try {
			Future<Integer> first = threads.submit(() -> commit.write("k", 0));
			await(firstCallStarted);
			List<Future<Integer>> others = new ArrayList<>();
			for (int i = 1; i <= 8; i++) {
				int item = i;
				others.add(threads.submit(() -> commit.write("k", item)));
			}
			waitUntilQueued(commit, 8);
			release.countDown();
			assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
			for (int i = 1; i <= 8; i++) {
				assertThat(others.get(i - 1).get(5, TimeUnit.SECONDS)).isEqualTo(i * 10);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(calls).hasSize(2);
		assertThat(calls.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
	}

	@Test
	void aCallCarriesAtMostMaxItemsAndTheRestGoInTheNext() throws Exception {
		CountDownLatch firstCallStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<Integer> sizes = new CopyOnWriteArrayList<>();
		GroupCommit<String, Integer, Integer> commit = new GroupCommit<>((key, items) -> {
			sizes.add(items.size());
			if (sizes.size() == 1) {
				firstCallStarted.countDown();
				await(release);
			}
			return items;
		}, 3);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<Integer>> all = new ArrayList<>();
			all.add(threads.submit(() -> commit.write("k", 0)));
			await(firstCallStarted);
			for (int i = 1; i <= 7; i++) {
				int item = i;
				all.add(threads.submit(() -> commit.write("k", item)));
			}
			waitUntilQueued(commit, 7);
			release.countDown();
			for (int i = 0; i < all.size(); i++) {
				assertThat(all.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(sizes).first().isEqualTo(1);
		assertThat(sizes).allSatisfy((size) -> assertThat(size).isBetween(1, 3));
		assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
	}

	@Test
	void aFailedCallFailsEveryItemInItAndTheNextCallWorks() throws Exception {
		CountDownLatch firstCallStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		GroupCommit<String, Integer, Integer> commit = new GroupCommit<>((key, items) -> {
			int call = calls.incrementAndGet();
			if (call == 1) {
				firstCallStarted.countDown();
				await(release);
				return items;
			}
			if (call == 2) {
				throw new IllegalStateException("Redis is down");
			}
			return items;
		}, 100);
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			Future<Integer> first = threads.submit(() -> commit.write("k", 0));
			await(firstCallStarted);
			List<Future<Integer>> failing = new ArrayList<>();
			for (int i = 1; i <= 3; i++) {
				int item = i;
				failing.add(threads.submit(() -> commit.write("k", item)));
			}
			waitUntilQueued(commit, 3);
			release.countDown();
			assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
			for (Future<Integer> future : failing) {
				assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("Redis is down");
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(commit.write("k", 9)).isEqualTo(9);
	}

	@Test
	void itemsQueuedWhileACallFailsFailWithItUnsentSoNoCallerWaitsForRedisTwice() throws Exception {
		CountDownLatch firstCallStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<List<Integer>> calls = new CopyOnWriteArrayList<>();
		GroupCommit<String, Integer, Integer> commit = new GroupCommit<>((key, items) -> {
			calls.add(List.copyOf(items));
			firstCallStarted.countDown();
			await(release);
			throw new IllegalStateException("Redis timed out");
		}, 100);
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<Integer>> all = new ArrayList<>();
			all.add(threads.submit(() -> commit.write("k", 0)));
			await(firstCallStarted);
			for (int i = 1; i <= 3; i++) {
				int item = i;
				all.add(threads.submit(() -> commit.write("k", item)));
			}
			waitUntilQueued(commit, 3);
			release.countDown();
			for (Future<Integer> future : all) {
				assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("Redis timed out");
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(calls).containsExactly(List.of(0));
		assertThat(commit.queued()).isZero();
	}

	@Test
	void anInterruptedCallerStillHasItsItemWrittenAndIsInterruptedAgainAfterwards() {
		List<Boolean> interruptedDuringCall = new CopyOnWriteArrayList<>();
		GroupCommit<String, Integer, Integer> commit = new GroupCommit<>((key, items) -> {
			interruptedDuringCall.add(Thread.currentThread().isInterrupted());
			return items;
		}, 100);
		Thread.currentThread().interrupt();
		try {
			assertThat(commit.write("k", 1)).isEqualTo(1);
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(interruptedDuringCall).containsExactly(false);
	}

	@Test
	void keysAreCommittedApart() {
		Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
		GroupCommit<String, Integer, Integer> commit = new GroupCommit<>((key, items) -> {
			byKey.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).addAll(items);
			return items;
		}, 100);
		commit.write("a", 1);
		commit.write("b", 2);
		commit.write("a", 3);
		assertThat(byKey).containsOnlyKeys("a", "b");
		assertThat(byKey.get("a")).containsExactly(1, 3);
	}

	@Test
	void manyThreadsEachGetTheirOwnResultAndNoItemIsCarriedTwice() throws Exception {
		Map<Integer, Integer> carried = new ConcurrentHashMap<>();
		GroupCommit<Integer, Integer, Integer> commit = new GroupCommit<>((key, items) -> {
			items.forEach((item) -> carried.merge(item, 1, Integer::sum));
			return items.stream().map((item) -> -item).toList();
		}, 16);
		ExecutorService threads = Executors.newFixedThreadPool(16);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				int first = t;
				futures.add(threads.submit(() -> {
					for (int i = first; i < 16 * 2_000; i += 16) {
						assertThat(commit.write(i % 3, i)).isEqualTo(-i);
					}
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(carried).hasSize(16 * 2_000);
		assertThat(carried.values()).containsOnly(1);
	}

	/** Waits until the group commit holds this many callers' items (their threads parked in the queue). */
	private static void waitUntilQueued(GroupCommit<?, ?, ?> commit, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (commit.queued() < count) {
			assertThat(System.nanoTime()).as("callers queued").isLessThan(deadline);
			Thread.sleep(1);
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
