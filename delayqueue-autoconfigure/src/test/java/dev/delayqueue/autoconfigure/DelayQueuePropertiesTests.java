package dev.delayqueue.autoconfigure;

import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.dashboard.DashboardEndpoint;
import dev.delayqueue.http.CallbackSettings;
import dev.delayqueue.micrometer.MetricsSettings;
import dev.delayqueue.store.DefaultDelayQueue;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.worker.RetryPolicy;
import dev.delayqueue.worker.TopicSettings;
import dev.delayqueue.worker.WorkerSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults in the generated configuration metadata (what IDEs show) agree with the engine's constants, and every
 * property is documented.
 */
class DelayQueuePropertiesTests {

	@Test
	void metadataDefaultsAgreeWithTheEngine() throws Exception {
		Map<String, JsonNode> properties = new HashMap<>();
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			for (JsonNode property : new JsonMapper().readTree(in).get("properties")) {
				properties.put(property.get("name").asString(), property);
				assertThat(property.has("description")).as("description of " + property.get("name")).isTrue();
				assertThat(property.get("description").asString()).doesNotStartWith("The ");
			}
		}
		assertThat(text(properties, "delayqueue.redis.key-prefix")).isEqualTo(JobKeys.DEFAULT_PREFIX);
		assertThat(properties.get("delayqueue.enabled").get("defaultValue").asBoolean()).isTrue();
		assertThat(properties.get("delayqueue.worker.batch-size").get("defaultValue").asInt())
			.isEqualTo(WorkerSettings.DEFAULT_BATCH_SIZE);
		assertThat(properties.get("delayqueue.defaults.concurrency").get("defaultValue").asInt())
			.isEqualTo(TopicSettings.DEFAULT_CONCURRENCY);
		assertThat(properties.get("delayqueue.defaults.prefetch").get("defaultValue").asInt())
			.isEqualTo(TopicSettings.DEFAULT_PREFETCH);
		assertThat(properties.get("delayqueue.defaults.retry.max-attempts").get("defaultValue").asInt())
			.isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
		assertThat(properties.get("delayqueue.defaults.retry.multiplier").get("defaultValue").asDouble())
			.isEqualTo(RetryPolicy.DEFAULT_MULTIPLIER);
		assertThat(properties.get("delayqueue.defaults.retry.jitter").get("defaultValue").asDouble())
			.isEqualTo(RetryPolicy.DEFAULT_JITTER);
		assertThat(duration(properties, "delayqueue.worker.poll-interval")).isEqualTo(WorkerSettings.DEFAULT_POLL_INTERVAL);
		assertThat(duration(properties, "delayqueue.worker.shutdown-timeout"))
			.isEqualTo(WorkerSettings.DEFAULT_SHUTDOWN_TIMEOUT);
		assertThat(duration(properties, "delayqueue.defaults.lease")).isEqualTo(TopicSettings.DEFAULT_LEASE);
		assertThat(duration(properties, "delayqueue.redis.command-timeout"))
			.isEqualTo(dev.delayqueue.redis.RedisJobStore.DEFAULT_COMMAND_TIMEOUT);
		assertThat(duration(properties, "delayqueue.redis.subscription-check-interval"))
			.isEqualTo(dev.delayqueue.redis.WakeSubscriber.DEFAULT_CHECK_INTERVAL);
		assertThat(duration(properties, "delayqueue.redis.reconnect-max-delay"))
			.isEqualTo(new DelayQueueProperties().getRedis().getReconnectMaxDelay());
		assertThat(duration(properties, "delayqueue.http.timeout")).isEqualTo(CallbackSettings.DEFAULT_TIMEOUT);
		assertThat(duration(properties, "delayqueue.defaults.retry.initial-interval"))
			.isEqualTo(RetryPolicy.DEFAULT_INITIAL_INTERVAL);
		assertThat(duration(properties, "delayqueue.defaults.retry.max-interval"))
			.isEqualTo(RetryPolicy.DEFAULT_MAX_INTERVAL);
		assertThat(duration(properties, "delayqueue.metrics.refresh")).isEqualTo(MetricsSettings.DEFAULT_REFRESH);
		assertThat(duration(properties, "delayqueue.health.max-overdue"))
			.isEqualTo(DelayQueueProperties.Health.DEFAULT_MAX_OVERDUE);
		assertThat(properties.get("delayqueue.metrics.max-topics").get("defaultValue").asInt())
			.isEqualTo(MetricsSettings.DEFAULT_MAX_TOPICS);
		assertThat(text(properties, "delayqueue.dashboard.path")).isEqualTo(DashboardEndpoint.DEFAULT_PATH);
		assertThat(text(properties, "delayqueue.dashboard.username")).isEqualTo(DashboardEndpoint.DEFAULT_USERNAME);
		assertThat(DataSize.parse(text(properties, "delayqueue.max-body-size")).toBytes())
			.isEqualTo(DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES);
	}

	@Test
	void boundDefaultsAgreeWithTheEngine() {
		DelayQueueProperties properties = new DelayQueueProperties();
		DelayQueuePropertiesMapper mapper = new DelayQueuePropertiesMapper(properties);
		assertThat(mapper.defaults()).isEqualTo(TopicSettings.DEFAULT);
		assertThat(mapper.workerSettings()).isEqualTo(WorkerSettings.DEFAULT);
		assertThat(mapper.callbackSettings()).isEqualTo(CallbackSettings.DEFAULT);
		assertThat(mapper.metricsSettings()).isEqualTo(MetricsSettings.DEFAULT);
		assertThat(properties.getMaxBodySize().toBytes()).isEqualTo(DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES);
	}

	private static Duration duration(Map<String, JsonNode> properties, String name) {
		return DurationStyle.detectAndParse(text(properties, name));
	}

	private static String text(Map<String, JsonNode> properties, String name) {
		assertThat(properties).containsKey(name);
		return properties.get(name).get("defaultValue").asString();
	}

}
