package dev.delayqueue.handler;

import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.TestRedis;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.worker.JobWorker;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler that would fail at its first job fails the startup instead, naming the bean, the method and the fix.
 */
class HandlerDefinitionTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
				"delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix());

	static class TwoBodies {

		@DelayedJobHandler(topic = "order")
		void handle(String a, Integer b) {
		}

	}

	static class First {

		@DelayedJobHandler(topic = "order")
		void handle(DelayedJob job) {
		}

	}

	static class Second {

		@DelayedJobHandler("order")
		void handle(DelayedJob job) {
		}

	}

	static class Unresolvable {

		@DelayedJobHandler(topic = "${no.such.property}")
		void handle(DelayedJob job) {
		}

	}

	static class BadTopic {

		@DelayedJobHandler(topic = "order cancel")
		void handle(DelayedJob job) {
		}

	}

	static class BadConcurrency {

		@DelayedJobHandler(topic = "order", concurrency = "many")
		void handle(DelayedJob job) {
		}

	}

	static class MisspelledHeader {

		@DelayedJobHandler(topic = "order")
		void handle(DelayedJob job, @Header("delayqueue_attempts") int attempt) {
		}

	}

	static class KnownAndOptionalHeaders {

		@DelayedJobHandler(topic = "order")
		void handle(@Header(DelayQueueHeaders.ATTEMPT) int attempt, @Header(MessageHeaders.TIMESTAMP) long timestamp,
				@Header(name = "tenant", required = false) String tenant) {
		}

	}

	static class Good {

		@DelayedJobHandler(topic = "${topics.order:order}", concurrency = "${order.threads:3}")
		void handle(DelayedJob job) {
		}

	}

	@Test
	void twoBodyParameters() {
		this.runner.withBean("twoBodies", TwoBodies.class).run((context) -> assertThat(failure(context))
			.isInstanceOf(HandlerDefinitionException.class)
			.hasMessageContaining("twoBodies (" + TwoBodies.class.getName() + ".handle(String, Integer))")
			.hasMessageContaining("more than one parameter would take the job's body")
			.hasMessageContaining("Fix: keep one body parameter"));
	}

	@Test
	void twoHandlersForOneTopic() {
		this.runner.withBean("first", First.class).withBean("second", Second.class)
			.run((context) -> assertThat(failure(context))
				.isInstanceOf(HandlerDefinitionException.class)
				.hasMessageContaining("topic 'order' already has a handler: first (")
				.hasMessageContaining("second (")
				.hasMessageContaining("keep one @DelayedJobHandler per topic"));
	}

	@Test
	void unresolvableTopic() {
		this.runner.withBean("unresolvable", Unresolvable.class).run((context) -> assertThat(failure(context))
			.isInstanceOf(HandlerDefinitionException.class)
			.hasMessageContaining("topic \"${no.such.property}\" cannot be resolved")
			.hasMessageContaining("define the property it names"));
	}

	@Test
	void invalidTopicAndAttribute() {
		this.runner.withBean("badTopic", BadTopic.class).run((context) -> assertThat(failure(context))
			.hasMessageContaining("topic 'order cancel' is not valid"));
		this.runner.withBean("badConcurrency", BadConcurrency.class).run((context) -> assertThat(failure(context))
			.hasMessageContaining("concurrency = \"many\" cannot be read")
			.hasMessageContaining("give concurrency as a whole number"));
	}

	@Test
	void aHeaderNoJobHas() {
		this.runner.withBean("misspelled", MisspelledHeader.class).run((context) -> assertThat(failure(context))
			.isInstanceOf(HandlerDefinitionException.class)
			.hasMessageContaining("parameter 2 asks for the header \"delayqueue_attempts\", which no job has")
			.hasMessageContaining("name one of the DelayQueueHeaders constants (delayqueue_topic, delayqueue_id, "
					+ "delayqueue_attempt, delayqueue_dueAt, delayqueue_occurrence, delayqueue_job)"));
		this.runner.withBean("known", KnownAndOptionalHeaders.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void placeholdersResolveAndTheHandlerIsRegistered() {
		this.runner.withBean("good", Good.class).withPropertyValues("topics.order=shop.order")
			.run((context) -> assertThat(context.getBean(JobWorker.class).topics()).containsExactly("shop.order"));
	}

	private static Throwable failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		return NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
	}

}
