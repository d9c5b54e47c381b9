package dev.delayqueue.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobRequest;

import org.springframework.core.NestedExceptionUtils;

/**
 * Schedules one job (or a batch of jobs, one call) per topic every {@code interval}, each due {@code ahead} later,
 * on a thread of its own per topic (as independent application threads would), and records for each job whether
 * the call returned and when. A call to a master that is gone blocks only its own topic's thread, up to the client's
 * command timeout.
 * <p>
 * Threads: one scheduling thread per topic writes the two queues; the test thread starts, stops and reads them.
 */
final class SteadyLoad implements AutoCloseable {

	/** A job whose schedule call returned: Redis acknowledged it. */
	record Accepted(String id, String topic, long dueAt, long sentAt, long ackedAt) {

	}

	/** A job whose schedule call threw: its fate is unknown (a timeout) or it was refused whole (an error reply). */
	record Failed(String id, String topic, long sentAt, long failedAt, String error) {

	}

	private final DelayQueue queue;

	private final String idPrefix;

	private final List<String> topics;

	private final Duration ahead;

	private final Duration interval;

	private final int batch;

	private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();

	private final Queue<Failed> failed = new ConcurrentLinkedQueue<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	SteadyLoad(DelayQueue queue, String idPrefix, List<String> topics, Duration ahead, Duration interval) {
		this(queue, idPrefix, topics, ahead, interval, 1);
	}

	SteadyLoad(DelayQueue queue, String idPrefix, List<String> topics, Duration ahead, Duration interval, int batch) {
		this.queue = queue;
		this.idPrefix = idPrefix;
		this.topics = List.copyOf(topics);
		this.ahead = ahead;
		this.interval = interval;
		this.batch = batch;
	}

	SteadyLoad start() {
		this.running = true;
		for (String topic : this.topics) {
			Thread thread = new Thread(() -> run(topic), "load-" + topic);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
		return this;
	}

	private void run(String topic) {
		long next = System.currentTimeMillis();
		for (int n = 0; this.running; n += this.batch) {
			long sent = System.currentTimeMillis();
			long due = sent + this.ahead.toMillis();
			List<JobRequest> requests = new ArrayList<>(this.batch);
			for (int i = n; i < n + this.batch; i++) {
				String id = this.idPrefix + topic + "-" + i;
				requests.add(JobRequest.builder(topic, id).at(Instant.ofEpochMilli(due)).build());
			}
			try {
				if (this.batch == 1) {
					this.queue.schedule(requests.get(0));
				}
				else {
					this.queue.scheduleAll(requests);
				}
				long acked = System.currentTimeMillis();
				requests.forEach((r) -> this.accepted.add(new Accepted(r.id(), topic, due, sent, acked)));
			}
			catch (RuntimeException ex) {
				long failedAt = System.currentTimeMillis();
				Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
				String error = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getName();
				requests.forEach((r) -> this.failed.add(new Failed(r.id(), topic, sent, failedAt, error)));
			}
			next += this.interval.toMillis();
			long sleep = next - System.currentTimeMillis();
			if (sleep > 0) {
				WorkerProcess.sleep(sleep);
			}
			else {
				next = System.currentTimeMillis(); // behind after a blocked call: no burst to catch up
			}
		}
	}

	/** Stops scheduling and waits for the calls under way. */
	void stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			try {
				thread.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	List<Accepted> accepted() {
		return List.copyOf(this.accepted);
	}

	List<Failed> failed() {
		return List.copyOf(this.failed);
	}

	List<String> acceptedIds(Predicate<Accepted> filter) {
		return this.accepted.stream().filter(filter).map(Accepted::id).toList();
	}

	@Override
	public void close() {
		stop();
	}

}
