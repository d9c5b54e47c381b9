package dev.delayqueue.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedRedisEnvironmentPostProcessorTests {

	private final EmbeddedRedisEnvironmentPostProcessor postProcessor = new EmbeddedRedisEnvironmentPostProcessor();

	@Test
	void withoutARedisOfItsOwnTheApplicationGetsALocalServer() {
		MockEnvironment environment = enabled();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.data.redis.host")).isEqualTo("127.0.0.1");
		assertThat(RedisServerProcess.ping(environment.getProperty("spring.data.redis.port", Integer.class, 0)))
			.isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "spring.data.redis.url=redis://redis.example.com:6379",
			"spring.data.redis.host=redis.example.com", "spring.data.redis.port=6380",
			"spring.data.redis.cluster.nodes=10.0.0.1:7000,10.0.0.2:7000",
			"spring.data.redis.cluster.nodes[0]=10.0.0.1:7000",
			"spring.data.redis.sentinel.master=mymaster", "spring.data.redis.sentinel.nodes=10.0.0.1:26379" })
	void aRedisOfTheApplicationsOwnStartsNoServer(String property) {
		String[] nameAndValue = property.split("=", 2);
		MockEnvironment environment = enabled().withProperty(nameAndValue[0], nameAndValue[1]);
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().contains("delayqueueEmbeddedRedis")).isFalse();
	}

	@Test
	void clusterNodesFromAnEnvironmentVariableStartNoServer() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("SPRING_DATA_REDIS_CLUSTER_NODES", "10.0.0.1:7000")));
		environment.getPropertySources()
			.addFirst(new MapPropertySource("application",
					Map.of(EmbeddedRedisEnvironmentPostProcessor.ENABLED_PROPERTY, "true")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().contains("delayqueueEmbeddedRedis")).isFalse();
	}

	@Test
	void notEnabledStartsNoServer() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().contains("delayqueueEmbeddedRedis")).isFalse();
	}

	@Test
	void theConfigurationMetadataDescribesTheEnabledProperty() throws IOException {
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("META-INF/spring-configuration-metadata.json").isNotNull();
			DocumentContext json = JsonPath.parse(metadata);
			assertThat(json.read("$.properties[*].name", List.class))
				.containsExactly(EmbeddedRedisEnvironmentPostProcessor.ENABLED_PROPERTY);
			assertThat(json.read("$.properties[0].defaultValue", Boolean.class)).isFalse();
			assertThat(json.read("$.properties[0].sourceType", String.class))
				.isEqualTo(EmbeddedRedisEnvironmentPostProcessor.class.getName());
		}
	}

	private static MockEnvironment enabled() {
		return new MockEnvironment().withProperty(EmbeddedRedisEnvironmentPostProcessor.ENABLED_PROPERTY, "true");
	}

}
