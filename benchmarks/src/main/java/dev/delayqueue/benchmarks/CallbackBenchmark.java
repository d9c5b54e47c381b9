package dev.delayqueue.benchmarks;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobRequest;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.event.DelayQueueListeners;
import dev.delayqueue.http.CallbackDispatcher;
import dev.delayqueue.http.CallbackSettings;
import dev.delayqueue.http.CallbackWebClientFactory;
import dev.delayqueue.http.HostAllowList;
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
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * 5. Callback throughput to a local receiver (a JDK HttpServer answering 200): delayqueue's dispatcher end to end
 * (claim, call, acknowledge) on jobs already stored and due, against the same WebClient connector sending the same
 * requests with nothing else (the limit of client, receiver and machine). Redisson has no callbacks.
 * <p>
 * Both sides run {@link #WARM_UP_ROUNDS} unmeasured rounds first: on 2 cores the JIT compiles Reactor Netty,
 * WebClient and the worker for several rounds of 10,000 jobs, and a cold first round measured the compiler. Every
 * round gets a fresh connection pool, so the receiver keeps up to 100,000 idle connections: with its default of
 * 200 it closed pooled connections under the client, and each job whose request met a closed connection waited
 * for its retry.
 */
final class CallbackBenchmark {

	private static final int WARM_UP_ROUNDS = 3;

	private CallbackBenchmark() {
	}

	static List<Benchmarks.Row> run(int redisPort, int n, int reps, Supplier<String> prefixes) throws Exception {
		// the JDK server keeps only 200 idle connections by default and closes the rest under the client's feet;
		// every round's pool opens its own
		System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
		HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1_000);
		ExecutorService pool = Executors.newFixedThreadPool(64);
		receiver.setExecutor(pool);
		AtomicLong received = new AtomicLong();
		receiver.createContext("/", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			received.incrementAndGet();
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		receiver.start();
		String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
		CallbackSettings settings = new CallbackSettings(CallbackSettings.DEFAULT_TIMEOUT,
				CallbackSettings.DEFAULT_CONNECT_TIMEOUT, 256, 256, 256, CallbackSettings.DEFAULT_MAX_RESPONSE_SIZE,
				CallbackSettings.DEFAULT_SLOW_DOWN_DELAY, CallbackSettings.DEFAULT_MAX_RETRY_AFTER, null);
		HostAllowList allowList = new HostAllowList(List.of());
		List<Double> delayqueue = new ArrayList<>();
		List<Double> rawRates = new ArrayList<>();
		try {
			for (int rep = -WARM_UP_ROUNDS; rep < reps; rep++) {
				received.set(0);
				double queued = delayqueue(redisPort, prefixes.get(), n, url, settings, allowList, received);
				received.set(0);
				double bare = raw(n, url, settings, allowList, received);
				if (rep >= 0) {
					delayqueue.add(queued);
					rawRates.add(bare);
				}
			}
		}
		finally {
			receiver.stop(0);
			pool.shutdownNow();
		}
		Map<String, List<Double>> results = new LinkedHashMap<>();
		results.put("delayqueue", delayqueue);
		return List.of(Benchmarks.Row.higher(String.format(Locale.ROOT,
				"5. HTTP callbacks to a local receiver, %,d jobs due now (jobs/s)", n), results, Stats.median(rawRates),
				"jobs stored before the clock starts; raw: the same WebClient connector, 256 requests in flight, no "
						+ "queue; both after " + WARM_UP_ROUNDS + " unmeasured rounds; Redisson has no callbacks"));
	}

	private static double delayqueue(int redisPort, String prefix, int n, String url, CallbackSettings settings,
			HostAllowList allowList, AtomicLong received) throws Exception {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", redisPort));
		factory.afterPropertiesSet();
		factory.start();
		JobKeys keys = new JobKeys(prefix);
		RedisJobStore store = new RedisJobStore(new StringRedisTemplate(factory), keys);
		DefaultDelayQueue queue = new DefaultDelayQueue(store, new JsonMapper(), new DelayQueueListeners(List.of()),
				Clock.systemUTC(), DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES, 100, allowList);
		CallbackDispatcher dispatcher = new CallbackDispatcher(
				CallbackWebClientFactory.create(WebClient.builder(), settings, allowList), settings, allowList,
				new JsonMapper(), Clock.systemUTC());
		AtomicLong retries = new AtomicLong();
		DelayQueueListener countRetries = new DelayQueueListener() {

			@Override
			public void onRetryScheduled(DelayedJob job, Instant nextAttemptAt, Throwable error) {
				retries.incrementAndGet();
			}

		};
		JobWorker worker = new JobWorker(store, new WakeSubscriber(factory, keys),
				new DelayQueueListeners(List.of(countRetries)), Clock.systemUTC(), WorkerSettings.DEFAULT);
		TopicSettings callbackSettings = TopicSettings.builder().concurrency(256).prefetch(0).build();
		worker.deliverCallbacks(dispatcher, (topic) -> callbackSettings);
		try {
			JobCallback callback = JobCallback.post(url);
			Instant now = Instant.now();
			List<JobRequest> batch = new ArrayList<>(100);
			for (int i = 0; i < n; i++) {
				batch.add(JobRequest.builder("hooks", "h" + i).at(now).body(Map.of("i", i)).callback(callback).build());
				if (batch.size() == 100) {
					queue.scheduleAll(batch);
					batch.clear();
				}
			}
			if (!batch.isEmpty()) {
				queue.scheduleAll(batch);
			}
			long start = System.nanoTime();
			worker.start();
			while (received.get() < n) {
				TimeUnit.MILLISECONDS.sleep(2);
			}
			double rate = n / Benchmarks.seconds(start);
			if (retries.get() > 0) {
				System.out.printf("  delayqueue callbacks: %d failed attempts retried%n", retries.get());
			}
			return rate;
		}
		finally {
			worker.stop();
			factory.destroy();
		}
	}

	private static double raw(int n, String url, CallbackSettings settings, HostAllowList allowList, AtomicLong received)
			throws Exception {
		WebClient client = CallbackWebClientFactory.create(WebClient.builder(), settings, allowList);
		Semaphore window = new Semaphore(256);
		long start = System.nanoTime();
		for (int i = 0; i < n; i++) {
			window.acquire();
			client.post()
				.uri(url)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(("{\"i\":" + i + "}").getBytes())
				.exchangeToMono((response) -> response.releaseBody())
				.doFinally((signal) -> window.release())
				.subscribe(null, (error) -> {
				});
		}
		window.acquire(256);
		double rate = received.get() / Benchmarks.seconds(start);
		if (received.get() < n) {
			System.out.printf("  raw WebClient loop: %d of %d requests failed%n", n - received.get(), n);
		}
		return rate;
	}

}
