package dev.delayqueue.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.redisson.Redisson;
import org.redisson.api.RBlockingQueue;
import org.redisson.api.RDelayedQueue;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Redisson's RDelayedQueue over an RBlockingQueue, the way its documentation shows: offer with a delay, consumers
 * take from the destination queue. Values carry {@code id|dueMillis|body} so consumers can measure lateness.
 */
final class RedissonSubject implements Subject {

	private final RedissonClient client;

	private final RBlockingQueue<String> destination;

	private final RDelayedQueue<String> delayed;

	private final List<Thread> consumers = new ArrayList<>();

	private volatile boolean consuming;

	@SuppressWarnings("deprecation")
	RedissonSubject(int port, String name) {
		Config config = new Config();
		config.setCodec(StringCodec.INSTANCE);
		config.useSingleServer()
			.setAddress("redis://127.0.0.1:" + port)
			.setConnectionPoolSize(64)
			.setConnectionMinimumIdleSize(8);
		this.client = Redisson.create(config);
		this.destination = this.client.getBlockingQueue(name);
		this.delayed = this.client.getDelayedQueue(this.destination);
	}

	@Override
	public String name() {
		return "Redisson";
	}

	private static String value(Job job) {
		return job.id() + "|" + job.dueAt() + "|" + job.body();
	}

	private static long delay(Job job) {
		return Math.max(0, job.dueAt() - System.currentTimeMillis());
	}

	@Override
	public void scheduleOne(Job job) {
		this.delayed.offer(value(job), delay(job), TimeUnit.MILLISECONDS);
	}

	@Override
	public void scheduleBatch(List<Job> jobs) {
		List<CompletableFuture<Void>> futures = new ArrayList<>(jobs.size());
		for (Job job : jobs) {
			futures.add(this.delayed.offerAsync(value(job), delay(job), TimeUnit.MILLISECONDS).toCompletableFuture());
		}
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
	}

	@Override
	public void startConsumers(int threads, Sink sink) {
		this.consuming = true;
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> {
				while (this.consuming) {
					try {
						String value = this.destination.poll(200, TimeUnit.MILLISECONDS);
						if (value != null) {
							int first = value.indexOf('|');
							int second = value.indexOf('|', first + 1);
							sink.delivered(value.substring(0, first), Long.parseLong(value.substring(first + 1, second)));
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			}, "redisson-consumer-" + i);
			thread.setDaemon(true);
			thread.start();
			this.consumers.add(thread);
		}
	}

	@Override
	public void stopConsumers() {
		this.consuming = false;
		for (Thread thread : this.consumers) {
			try {
				thread.join(2_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.consumers.clear();
	}

	@Override
	public void close() {
		stopConsumers();
		this.delayed.destroy();
		this.client.shutdown();
	}

}
