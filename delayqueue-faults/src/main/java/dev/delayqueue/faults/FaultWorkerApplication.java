package dev.delayqueue.faults;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.autoconfigure.DelayQueueClock;
import dev.delayqueue.handler.DelayedJobHandler;
import dev.delayqueue.handler.TopicSettingsResolver;
import dev.delayqueue.redis.RedisTimeClock;
import dev.delayqueue.worker.JobWorker;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A worker as an application would run it: a {@code @DelayedJobHandler} for topic {@code faults}, and the same
 * handler registered with {@link JobWorker#register} for each topic of {@code faults.topics} (comma-separated, none
 * by default), with the settings the {@link TopicSettingsResolver} gives the topic. The handler takes
 * {@code faults.handler-millis} and then appends {@code id attempt dueMillis startedMillis instance topic} to
 * {@code faults.log} with one unbuffered write (it survives a SIGKILL of this process). Writes
 * {@code faults.log}{@code .ready} once started, with the offset its clock found to Redis's time
 * ({@code ready offset=<ms>}). With {@code faults.redis-time=true} the start is read from Redis's {@code TIME}. With
 * {@code faults.log-starts=true} it also writes {@code S id attempt dueMillis} when a handler starts. With {@code faults.failing=true}
 * a job whose id starts with {@code retry-} fails its first attempt and one whose id starts with {@code dead-} fails
 * every attempt (neither logs a failed attempt). With {@code faults.stats-interval} (a duration) it appends
 * {@code epochMillis heapBytesAfterGc liveThreads} to {@code faults.log}{@code .stats} at that interval, after a
 * full collection. It halts when the JVM that started it exits.
 */
@SpringBootApplication
public class FaultWorkerApplication {

	private final FileOutputStream log;

	private final String instance;

	private final long handlerMillis;

	private final Path ready;

	private final boolean logStarts;

	private final @Nullable StringRedisTemplate redisTime;

	private final DelayQueueClock clock;

	private final boolean failing;

	FaultWorkerApplication(@Value("${faults.log}") String log, @Value("${faults.instance}") String instance,
			@Value("${faults.handler-millis:0}") long handlerMillis, @Value("${faults.log-starts:false}") boolean logStarts,
			@Value("${faults.redis-time:false}") boolean redisTime, @Value("${faults.failing:false}") boolean failing,
			StringRedisTemplate redis, DelayQueueClock clock) throws IOException {
		this.failing = failing;
		this.logStarts = logStarts;
		this.redisTime = redisTime ? redis : null;
		this.clock = clock;
		this.log = new FileOutputStream(log, true);
		this.instance = instance;
		this.handlerMillis = handlerMillis;
		this.ready = Path.of(log + ".ready");
	}

	public static void main(String[] args) {
		// never outlive the test JVM that started this worker, even if it was killed
		ProcessHandle.current().parent().ifPresent((parent) -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
		SpringApplication application = new SpringApplication(FaultWorkerApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args);
	}

	/** Registers the handler for each topic of {@code faults.topics} once every bean exists, before the worker starts. */
	@Bean
	SmartInitializingSingleton faultTopics(@Value("${faults.topics:}") List<String> topics, JobWorker worker,
			TopicSettingsResolver settings) {
		return () -> {
			for (String topic : topics) {
				if (topic.isBlank()) {
					continue;
				}
				worker.register(topic, (job) -> handle(job), settings.resolve(topic, settings.defaults()),
						"faults logging handler of topic '" + topic + "'");
			}
		};
	}

	@DelayedJobHandler(topic = "faults")
	void handle(DelayedJob job) throws InterruptedException {
		long started = started();
		if (this.logStarts) {
			write("S " + job.id() + " " + job.attempts() + " " + job.dueAt().toEpochMilli() + "\n");
		}
		if (this.handlerMillis > 0) {
			Thread.sleep(this.handlerMillis);
		}
		if (this.failing && (job.id().startsWith("dead-") || (job.id().startsWith("retry-") && job.attempts() == 1))) {
			throw new IllegalStateException("failing on purpose: " + job.id() + " attempt " + job.attempts());
		}
		write(job.id() + " " + job.attempts() + " " + job.dueAt().toEpochMilli() + " " + started + " " + this.instance
				+ " " + job.topic() + "\n");
	}

	/**
	 * When the handler started: by this host's clock, or with {@code faults.redis-time=true} by Redis's (one
	 * {@code TIME} per job), the time base a test with skewed clocks measures in.
	 */
	private long started() {
		StringRedisTemplate redis = this.redisTime;
		if (redis == null) {
			return System.currentTimeMillis();
		}
		Long time = redis.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().time());
		return (time != null) ? time : System.currentTimeMillis();
	}

	private void write(String line) {
		try {
			synchronized (this.log) {
				this.log.write(line.getBytes(StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Samples heap after a full collection and live threads at {@code faults.stats-interval}, for a long run's slopes.
	 */
	@Bean
	SmartInitializingSingleton faultStats(@Value("${faults.stats-interval:}") @Nullable Duration interval,
			@Value("${faults.log}") String log) {
		return () -> {
			if (interval == null || interval.isZero()) {
				return;
			}
			Path stats = Path.of(log + ".stats");
			Thread sampler = new Thread(() -> {
				while (true) {
					System.gc();
					long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
					int threads = ManagementFactory.getThreadMXBean().getThreadCount();
					try {
						Files.writeString(stats, System.currentTimeMillis() + " " + heap + " " + threads + "\n",
								StandardOpenOption.CREATE, StandardOpenOption.APPEND);
						Thread.sleep(interval.toMillis());
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "faults-stats");
			sampler.setDaemon(true);
			sampler.start();
		};
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() throws IOException {
		RedisTimeClock redisTime = this.clock.redisTime();
		Files.writeString(this.ready, "ready offset=" + ((redisTime != null) ? redisTime.offsetMillis() : "none"));
	}

}
