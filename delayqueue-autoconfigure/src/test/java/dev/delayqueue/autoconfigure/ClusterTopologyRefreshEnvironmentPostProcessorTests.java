package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.util.EnumSet;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import org.junit.jupiter.api.Test;

import dev.delayqueue.TestRedis;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster topology refresh a Lettuce client built by Spring Boot gets with delayqueue, and how the application
 * keeps its own. No cluster is needed: nothing connects before the first command.
 */
class ClusterTopologyRefreshEnvironmentPostProcessorTests {

	private static final String CLUSTER_NODES = "spring.data.redis.cluster.nodes=127.0.0.1:" + TestRedis.port();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DelayQueueAutoConfiguration.class))
		.withInitializer((context) -> new ClusterTopologyRefreshEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(), "delayqueue.worker.enabled=false");

	private final ApplicationContextRunner clusterRunner = this.runner.withPropertyValues(CLUSTER_NODES);

	@Test
	void aClusterClientRefreshesItsTopologyEvery10SecondsAndOnEveryAdaptiveTrigger() {
		this.clusterRunner.run((context) -> {
			ClusterTopologyRefreshOptions refresh = refreshOptions(context);
			assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
			assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(10));
			assertThat(refresh.getAdaptiveRefreshTriggers()).isEqualTo(EnumSet.allOf(RefreshTrigger.class));
			assertThat(refresh.useDynamicRefreshSources()).isTrue();
		});
	}

	@Test
	void theApplicationsRefreshPeriodWins() {
		this.clusterRunner.withPropertyValues("spring.data.redis.lettuce.cluster.refresh.period=42s")
			.run((context) -> assertThat(refreshOptions(context).getRefreshPeriod()).isEqualTo(Duration.ofSeconds(42)));
	}

	@Test
	void anEmptyRefreshPeriodKeepsLettucesDefaultOfNoPeriodicRefresh() {
		this.clusterRunner.withPropertyValues("spring.data.redis.lettuce.cluster.refresh.period=")
			.run((context) -> assertThat(refreshOptions(context).isPeriodicRefreshEnabled()).isFalse());
	}

	@Test
	void theApplicationsOwnRefreshOptionsWin() {
		ClusterTopologyRefreshOptions own = ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(Duration.ofMinutes(5))
			.build();
		this.clusterRunner.withBean(LettuceClientOptionsBuilderCustomizer.class,
				() -> (builder) -> ((ClusterClientOptions.Builder) builder).topologyRefreshOptions(own))
			.run((context) -> assertThat(refreshOptions(context)).isSameAs(own));
	}

	@Test
	void theOtherSettingsOfSpringBootStay() {
		this.clusterRunner.withPropertyValues("spring.data.redis.lettuce.cluster.refresh.dynamic-refresh-sources=false")
			.run((context) -> {
				assertThat(refreshOptions(context).useDynamicRefreshSources()).isFalse();
				assertThat(refreshOptions(context).getRefreshPeriod()).isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void withDelayQueueDisabledNothingIsAdded() {
		this.clusterRunner.withPropertyValues("delayqueue.enabled=false")
			.run((context) -> assertThat(refreshOptions(context).isPeriodicRefreshEnabled()).isFalse());
	}

	@Test
	void aStandaloneClientIsUnaffected() {
		this.runner.run((context) -> {
			assertThat(context.getEnvironment().getProperty("spring.data.redis.lettuce.cluster.refresh.period"))
				.isEqualTo("10s");
			assertThat(clientOptions(context)).isNotInstanceOf(ClusterClientOptions.class);
		});
	}

	@Test
	void aSpringApplicationGetsTheDefaultThroughSpringFactories() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ClusterApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(CLUSTER_NODES, "delayqueue.worker.enabled=false")
			.run()) {
			assertThat(context.getEnvironment()
				.getPropertySources()
				.contains(ClusterTopologyRefreshEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isTrue();
			assertThat(refreshOptions(context).getRefreshPeriod()).isEqualTo(Duration.ofSeconds(10));
		}
	}

	private static ClusterTopologyRefreshOptions refreshOptions(ApplicationContext context) {
		return ((ClusterClientOptions) clientOptions(context)).getTopologyRefreshOptions();
	}

	private static ClientOptions clientOptions(ApplicationContext context) {
		LettuceConnectionFactory factory = (LettuceConnectionFactory) context.getBean(RedisConnectionFactory.class);
		return factory.getClientConfiguration().getClientOptions().orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
			DelayQueueAutoConfiguration.class })
	static class ClusterApplication {

	}

}
