package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobRequest;
import dev.delayqueue.NonRetryableJobException;
import dev.delayqueue.TestRedis;
import dev.delayqueue.handler.DelayedJobHandler;
import dev.delayqueue.worker.InstanceHeartbeat;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health contributor and the endpoint, in a real context on a real Redis with a real worker.
 */
class DelayQueueActuatorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class, DelayQueueHealthAutoConfiguration.class,
				DelayQueueEndpointAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
				"delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix(),
				"management.endpoints.web.exposure.include=delayqueue", "delayqueue.topics.order.concurrency=1",
				"delayqueue.topics.order.prefetch=0", "delayqueue.health.max-overdue=1s");

	static class Handlers {

		final CountDownLatch release = new CountDownLatch(1);

		@DelayedJobHandler(topic = "order")
		void order(DelayedJob job) throws InterruptedException {
			if (job.id().startsWith("slow")) {
				this.release.await(10, TimeUnit.SECONDS);
			}
			if (job.id().startsWith("dead")) {
				throw new NonRetryableJobException("card expired");
			}
		}

	}

	@Test
	void upWhileServedTopicsKeepUpOutOfServiceWhenADueJobWaitsTooLong() {
		this.runner.withBean(Handlers.class).run((context) -> {
			DelayQueueHealthIndicator health = context.getBean(DelayQueueHealthIndicator.class);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule("order", "slow-1", null, Duration.ZERO);
			queue.schedule("order", "waits-1", null, Duration.ZERO);
			queue.schedule("unserved", "x", null, Instant.now().minusSeconds(600));
			await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
				Health now = health.health(true);
				assertThat(now.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				assertThat(now.getDetails()).containsKey("overdue");
				assertThat(String.valueOf(((Map<?, ?>) now.getDetails().get("topics")).keySet())).isEqualTo("[order]");
			});
			context.getBean(Handlers.class).release.countDown();
			await().atMost(Duration.ofSeconds(8))
				.untilAsserted(() -> assertThat(health.health(true).getStatus()).isEqualTo(Status.UP));
		});
	}

	@Test
	void downWhenRedisCannotBeRead() {
		this.runner.withPropertyValues("spring.data.redis.port=1", "delayqueue.worker.enabled=false")
			.run((context) -> {
				Health health = context.getBean(DelayQueueHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("error");
			});
	}

	@Test
	void theEndpointShowsTopicsAndWhoServesThemAndRedrivesAndPurgesDeadJobs() {
		this.runner.withBean(Handlers.class).run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			DelayQueueEndpoint endpoint = context.getBean(DelayQueueEndpoint.class);
			String me = context.getBean(InstanceHeartbeat.class).id();
			queue.schedule("order", "dead-1", "{\"amount\":1}", Duration.ZERO);
			queue.schedule("order", "dead-2", null, Duration.ZERO);
			queue.schedule("unserved", "x", null, Duration.ofHours(1));
			await().atMost(Duration.ofSeconds(8)).until(() -> queue.stats("order").dead() == 2);
			await().atMost(Duration.ofSeconds(8)).until(() -> !context.getBean(DelayQueueEndpoint.class)
				.overview()
				.getBody()
				.toString()
				.contains("instances=[]"));
			DelayQueueEndpoint.Overview overview = (DelayQueueEndpoint.Overview) endpoint.overview().getBody();
			assertThat(overview.instances()).anySatisfy((instance) -> {
				assertThat(instance.id()).isEqualTo(me);
				assertThat(instance.topics()).containsExactly("order");
			});
			assertThat(overview.topics().get("order").servedBy()).containsExactly(me);
			assertThat(overview.topics().get("order").dead()).isEqualTo(2);
			assertThat(overview.topics().get("unserved").unserved()).isTrue();
			assertThat(overview.topics().get("unserved").pending()).isEqualTo(1);

			DelayQueueEndpoint.TopicDetail order = (DelayQueueEndpoint.TopicDetail) endpoint.topic("order").getBody();
			assertThat(order.deadJobs()).extracting(DelayQueueEndpoint.DeadJob::id).containsExactly("dead-1", "dead-2");
			assertThat(order.deadJobs().get(0).lastError()).contains("card expired");

			assertThat(endpoint.purge("order", "dead-2").getBody()).isEqualTo(Map.of("purged", 1L));
			assertThat(endpoint.purge("order", "dead-2").getBody()).isEqualTo(Map.of("purged", 0L));
			queue.schedule(JobRequest.builder("order", "dead-3").delay(Duration.ZERO).build());
			await().atMost(Duration.ofSeconds(8)).until(() -> queue.stats("order").dead() == 2);
			assertThat(endpoint.redrive("order", null).getBody()).isEqualTo(Map.of("redriven", 2L));

			WebEndpointResponse<Object> bad = endpoint.redrive("no such topic", null);
			assertThat(bad.getStatus()).isEqualTo(400);
			assertThat(bad.getBody().toString()).contains("topic");
		});
	}

	@Test
	void backsOffWithoutActuatorOrWhenNotExposed() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health",
				"org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(DelayQueueHealthIndicator.class)
				.doesNotHaveBean(DelayQueueEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health",
				"management.health.delayqueue.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(DelayQueueHealthIndicator.class)
				.doesNotHaveBean(DelayQueueEndpoint.class));
	}

}
