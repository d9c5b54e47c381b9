package dev.delayqueue.autoconfigure;

import org.junit.jupiter.api.Test;

import dev.delayqueue.TestRedis;
import dev.delayqueue.dashboard.DashboardEndpoint;
import dev.delayqueue.dashboard.DashboardRecorder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class DelayQueueDashboardAutoConfigurationTests {

	private final WebApplicationContextRunner web = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class, DelayQueueDashboardAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
				"delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix());

	@Test
	void offByDefaultWhileEveryWorkerRecordsItsMinutes() {
		this.web.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(DashboardEndpoint.class)
			.hasSingleBean(DashboardRecorder.class));
		this.web.withPropertyValues("delayqueue.dashboard.record=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardRecorder.class));
		this.web.withPropertyValues("delayqueue.worker.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardRecorder.class));
	}

	@Test
	void enabledWithAPasswordServesThePage() {
		this.web.withPropertyValues("delayqueue.dashboard.enabled=true", "delayqueue.dashboard.password=pw")
			.run((context) -> assertThat(context).hasSingleBean(DashboardEndpoint.class));
	}

	@Test
	void enabledWithNeitherAPasswordNorSpringSecurityFailsTheStartupSayingSo() {
		this.web.withPropertyValues("delayqueue.dashboard.enabled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.dashboard.password")
				.hasMessageContaining("needs a password for HTTP Basic (user 'admin'), or Spring Security's filter "
						+ "chain to guard /delayqueue"));
	}

	@Test
	void aBadPathOrUserNameFailsTheStartupNamingTheProperty() {
		this.web.withPropertyValues("delayqueue.dashboard.enabled=true", "delayqueue.dashboard.password=pw",
				"delayqueue.dashboard.path=/dash/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.dashboard.path")
				.hasMessageContaining("without a trailing /"));
		this.web.withPropertyValues("delayqueue.dashboard.enabled=true", "delayqueue.dashboard.password=pw",
				"delayqueue.dashboard.username=a:b")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("delayqueue.dashboard.username"));
	}

	@Test
	void noPageOutsideAServletApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					DelayQueueAutoConfiguration.class, DelayQueueDashboardAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
					"delayqueue.redis.key-prefix=" + TestRedis.uniquePrefix(), "delayqueue.dashboard.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DashboardEndpoint.class));
	}

}
