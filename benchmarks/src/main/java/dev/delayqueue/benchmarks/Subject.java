package dev.delayqueue.benchmarks;

import java.util.List;

/**
 * A delay queue under test: delayqueue or Redisson's RDelayedQueue, on the same Redis.
 */
interface Subject extends AutoCloseable {

	String name();

	/** Schedules one job and returns when Redis acknowledged it. */
	void scheduleOne(Job job);

	/** Schedules a batch (at most 100) the fastest way the library offers, returning when all are acknowledged. */
	void scheduleBatch(List<Job> jobs);

	/** Starts delivering to {@code sink} with {@code threads} consumer threads. */
	void startConsumers(int threads, Sink sink);

	/** Stops delivering. */
	void stopConsumers();

	@Override
	void close();

	/** A job: id, due time (epoch ms) and body. */
	record Job(String id, long dueAt, String body) {

	}

	/** Receives each delivery. */
	interface Sink {

		void delivered(String id, long dueAt);

	}

}
