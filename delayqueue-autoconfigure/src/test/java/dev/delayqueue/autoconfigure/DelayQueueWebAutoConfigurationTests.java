package dev.delayqueue.autoconfigure;

import org.junit.jupiter.api.Test;

import dev.delayqueue.TestRedis;
import dev.delayqueue.web.HttpQueueEndpoint;
import dev.delayqueue.web.JobEndpoint;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.function.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

class DelayQueueWebAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class, DelayQueueWebAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(), "delayqueue.worker.enabled=false");

	@Test
	void endpointsAreOffByDefault() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(JobEndpoint.class)
			.doesNotHaveBean(HttpQueueEndpoint.class)
			.doesNotHaveBean(RouterFunction.class));
	}

	@Test
	void eachFamilyIsEnabledOnItsOwn() {
		this.runner.withPropertyValues("delayqueue.web.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(JobEndpoint.class)
				.doesNotHaveBean(HttpQueueEndpoint.class)
				.hasSingleBean(RouterFunction.class));
		this.runner.withPropertyValues("delayqueue.web.httpqueue.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(HttpQueueEndpoint.class)
				.doesNotHaveBean(JobEndpoint.class));
	}

	@Test
	void backsOffOutsideSpringMvc() {
		this.runner.withPropertyValues("delayqueue.web.enabled=true")
			.withClassLoader(new FilteredClassLoader(RouterFunction.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JobEndpoint.class));
	}

	@Test
	void aShortTokenFailsTheStartupNamingTheProperty() {
		this.runner.withPropertyValues("delayqueue.web.enabled=true", "delayqueue.web.token=short")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.web.token")
				.hasMessageContaining("at least 16 characters"));
	}

}
