package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.TestRedis;
import dev.delayqueue.handler.DelayedJobHandler;
import dev.delayqueue.worker.HandlerThreads;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which threads run the handlers: platform threads by default, the application's {@link HandlerThreads}, and virtual
 * threads with {@code spring.threads.virtual.enabled=true} on Java 21 or later.
 */
class HandlerThreadsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
				"delayqueue.redis.key-prefix=threads-" + Long.toHexString(System.nanoTime()))
		.withBean(Handler.class);

	@Test
	void platformThreadsNamedAfterTheTopicByDefault() {
		this.runner.run((context) -> assertThat(deliver(context)).startsWith("delayqueue-threads-")
			.doesNotContain("virtual"));
	}

	@Test
	void theApplicationsHandlerThreads() {
		this.runner.withBean(HandlerThreads.class, () -> (topic) -> (task) -> new Thread(task, "mine-" + topic))
			.run((context) -> assertThat(deliver(context)).isEqualTo("mine-threads platform"));
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadsWhenSpringBootIsToldSo() {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(deliver(context)).startsWith("delayqueue-threads-").endsWith(" virtual"));
	}

	/** Schedules a job and returns the name of the thread its handler ran on, and whether it was virtual. */
	private static String deliver(org.springframework.context.ApplicationContext context) throws Exception {
		Handler handler = context.getBean(Handler.class);
		context.getBean(DelayQueue.class).schedule("threads", "1", null, Duration.ZERO);
		String thread = handler.threads.poll(10, TimeUnit.SECONDS);
		assertThat(thread).as("delivered").isNotNull();
		return thread;
	}

	static class Handler {

		final BlockingQueue<String> threads = new LinkedBlockingQueue<>();

		@DelayedJobHandler(topic = "threads")
		void handle(DelayedJob job) throws Exception {
			Thread current = Thread.currentThread();
			boolean virtual;
			try {
				virtual = (boolean) Thread.class.getMethod("isVirtual").invoke(current);
			}
			catch (NoSuchMethodException ex) {
				virtual = false; // before Java 21
			}
			this.threads.add(current.getName() + (virtual ? " virtual" : " platform"));
		}

	}

}
