package dev.delayqueue.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.JobRequest;
import dev.delayqueue.event.DelayQueueListeners;
import dev.delayqueue.micrometer.DelayQueueMetrics;
import dev.delayqueue.micrometer.MetricsSettings;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.redis.WakeSubscriber;
import dev.delayqueue.store.DefaultDelayQueue;
import dev.delayqueue.worker.JobWorker;
import dev.delayqueue.worker.TopicSettings;
import dev.delayqueue.worker.WorkerSettings;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * delayqueue's engine as the auto-configuration wires it (without Spring): DefaultDelayQueue for scheduling, a
 * JobWorker with a handler for delivery.
 */
final class DelayQueueSubject implements Subject {

	static final String TOPIC = "bench";

	private static final JsonMapper JSON = new JsonMapper();

	final LettuceConnectionFactory connectionFactory;

	final RedisJobStore store;

	final DefaultDelayQueue queue;

	private final JobKeys keys;

	private final int prefetch;

	private JobWorker worker;

	/** delayqueue's meters on a registry of their own, or {@code null} when this subject runs without. */
	private final @Nullable DelayQueueMetrics metrics;

	DelayQueueSubject(int port, String prefix, int prefetch) {
		this(new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port)), prefix, prefetch, 1);
	}

	/**
	 * A subject on a connection factory it starts and, on {@link #close()}, destroys: one application instance.
	 * @param connectionFactory a connection factory, not started yet
	 * @param prefix the key prefix
	 * @param prefetch the worker's prefetch
	 * @param partitions the partition count new jobs of {@link #TOPIC} are spread over
	 */
	DelayQueueSubject(LettuceConnectionFactory connectionFactory, String prefix, int prefetch, int partitions) {
		this(connectionFactory, prefix, prefetch, partitions, false);
	}

	/**
	 * A subject on one Redis, with or without delayqueue's Micrometer meters (on a {@link SimpleMeterRegistry}, the
	 * gauges refreshed as the auto-configuration does).
	 * @param port the Redis port
	 * @param prefix the key prefix
	 * @param prefetch the worker's prefetch
	 * @param meters whether the meters record
	 */
	static DelayQueueSubject withMeters(int port, String prefix, int prefetch, boolean meters) {
		return new DelayQueueSubject(new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port)),
				prefix, prefetch, 1, meters);
	}

	private DelayQueueSubject(LettuceConnectionFactory connectionFactory, String prefix, int prefetch, int partitions,
			boolean meters) {
		this.connectionFactory = connectionFactory;
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.keys = new JobKeys(prefix);
		this.store = new RedisJobStore(new StringRedisTemplate(this.connectionFactory), this.keys,
				(topic) -> partitions);
		this.metrics = meters ? new DelayQueueMetrics(new SimpleMeterRegistry(), this.store, Clock.systemUTC(),
				MetricsSettings.DEFAULT, () -> Set.of(TOPIC)) : null;
		if (this.metrics != null) {
			this.metrics.start();
		}
		this.queue = new DefaultDelayQueue(this.store, JSON, listeners(), Clock.systemUTC(),
				DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES, 100, CallbackValidator.ACCEPT_ALL);
		this.prefetch = prefetch;
	}

	private DelayQueueListeners listeners() {
		return new DelayQueueListeners((this.metrics != null) ? List.of(this.metrics) : List.of());
	}

	@Override
	public String name() {
		return "delayqueue";
	}

	private static JobRequest request(Job job) {
		return JobRequest.builder(TOPIC, job.id()).at(Instant.ofEpochMilli(job.dueAt())).body(body(job.body())).build();
	}

	private static JsonNode body(String json) {
		return JSON.readTree(json);
	}

	@Override
	public void scheduleOne(Job job) {
		this.queue.schedule(request(job));
	}

	@Override
	public void scheduleBatch(List<Job> jobs) {
		List<JobRequest> requests = new ArrayList<>(jobs.size());
		for (Job job : jobs) {
			requests.add(request(job));
		}
		this.queue.scheduleAll(requests);
	}

	@Override
	public void startConsumers(int threads, Sink sink) {
		this.worker = new JobWorker(this.store, new WakeSubscriber(this.connectionFactory, this.keys), listeners(),
				Clock.systemUTC(), WorkerSettings.DEFAULT);
		this.worker.register(TOPIC, (job) -> sink.delivered(job.id(), job.dueAt().toEpochMilli()),
				TopicSettings.builder().concurrency(threads).prefetch(this.prefetch).build(),
				"benchmark sink");
		this.worker.start();
	}

	@Override
	public void stopConsumers() {
		if (this.worker != null) {
			this.worker.stop();
			this.worker = null;
		}
	}

	@Override
	public void close() {
		stopConsumers();
		if (this.metrics != null) {
			this.metrics.stop();
		}
		this.connectionFactory.destroy();
	}

}
