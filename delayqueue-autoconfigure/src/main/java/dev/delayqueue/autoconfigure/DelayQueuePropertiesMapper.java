package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

import java.util.function.Supplier;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobCallback;
import dev.delayqueue.RecurringJob;
import dev.delayqueue.SuccessContract;
import dev.delayqueue.http.CallbackSettings;
import dev.delayqueue.micrometer.MetricsSettings;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.store.TopicPartition;
import dev.delayqueue.worker.TopicSettings;
import dev.delayqueue.worker.WorkerSettings;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Maps {@link DelayQueueProperties} to the engine's settings: the one place that does. A value that breaks an
 * engine rule fails the startup naming its property.
 */
final class DelayQueuePropertiesMapper {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final DelayQueueProperties properties;

	DelayQueuePropertiesMapper(DelayQueueProperties properties) {
		this.properties = properties;
	}

	WorkerSettings workerSettings() {
		DelayQueueProperties.Worker worker = this.properties.getWorker();
		return checked("delayqueue.worker", () -> new WorkerSettings(worker.getBatchSize(), worker.getPollInterval(),
				worker.getShutdownTimeout()));
	}

	MetricsSettings metricsSettings() {
		DelayQueueProperties.Metrics metrics = this.properties.getMetrics();
		return new MetricsSettings(metrics.getRefresh(), metrics.getMaxTopics());
	}

	CallbackSettings callbackSettings() {
		DelayQueueProperties.Http http = this.properties.getHttp();
		return checked("delayqueue.http", () -> new CallbackSettings(http.getTimeout(), http.getConnectTimeout(),
				http.getMaxConnections(), http.getMaxConcurrency(), http.getMaxConcurrencyPerHost(),
				Math.toIntExact(http.getMaxResponseSize().toBytes()), http.getSlowDownDelay(), http.getMaxRetryAfter(),
				http.getSigningSecret()));
	}

	/** Settings from {@code delayqueue.defaults}: what a handler's annotation starts from. */
	TopicSettings defaults() {
		DelayQueueProperties.Defaults defaults = this.properties.getDefaults();
		DelayQueueProperties.Retry retry = defaults.getRetry();
		return checked("delayqueue.defaults", () -> TopicSettings.builder()
			.concurrency(defaults.getConcurrency())
			.prefetch(defaults.getPrefetch())
			.lease(defaults.getLease())
			.maxAttempts(retry.getMaxAttempts())
			.initialInterval(retry.getInitialInterval())
			.multiplier(retry.getMultiplier())
			.maxInterval(retry.getMaxInterval())
			.jitter(retry.getJitter())
			.noRetryFor(defaults.getNoRetryFor())
			.build());
	}

	/** The store on a template, with the partition counts and replica waits of the properties. */
	RedisJobStore jobStore(StringRedisTemplate redis, JobKeys keys, Duration commandTimeout) {
		DelayQueueProperties.Redis settings = this.properties.getRedis();
		ToIntFunction<String> partitionCounts = partitionCounts();
		return checked("delayqueue.redis", () -> new RedisJobStore(redis, keys, partitionCounts,
				settings.getWaitForReplicas(), settings.getWaitTimeout(), commandTimeout));
	}

	/**
	 * The interval of the wake-up subscription's check, from {@code delayqueue.redis.subscription-check-interval}.
	 * @throws InvalidConfigurationPropertyValueException if it is negative
	 */
	Duration subscriptionCheckInterval() {
		Duration interval = this.properties.getRedis().getSubscriptionCheckInterval();
		if (interval.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("delayqueue.redis.subscription-check-interval",
					interval, "It must be zero (no check) or positive.");
		}
		return interval;
	}

	/**
	 * The partition count of each topic from {@code delayqueue.topics.<topic>.partitions}, 1 for any other topic.
	 * Checked here, so a bad count fails the startup rather than the first job.
	 */
	ToIntFunction<String> partitionCounts() {
		Map<String, Integer> counts = new HashMap<>();
		this.properties.getTopics().forEach((topic, settings) -> {
			Integer count = settings.getPartitions();
			if (count != null) {
				if (count < 1 || count > TopicPartition.MAX_PARTITIONS) {
					throw new InvalidConfigurationPropertyValueException("delayqueue.topics[" + topic + "].partitions",
							count, "must be between 1 and " + TopicPartition.MAX_PARTITIONS);
				}
				counts.put(topic, count);
			}
		});
		return (topic) -> counts.getOrDefault(topic, 1);
	}

	/** Applies {@code delayqueue.topics.<topic>.*} on top of a handler's settings. */
	TopicSettings forTopic(String topic, TopicSettings base) {
		DelayQueueProperties.Topic overrides = this.properties.getTopics().get(topic);
		if (overrides == null) {
			return base;
		}
		TopicSettings.Builder settings = base.toBuilder();
		apply(overrides, settings);
		return checked("delayqueue.topics[" + topic + "]", settings::build);
	}

	private static void apply(DelayQueueProperties.Topic topic, TopicSettings.Builder settings) {
		PropertyMapper map = PropertyMapper.get();
		DelayQueueProperties.TopicRetry retry = topic.getRetry();
		map.from(topic::getConcurrency).to(settings::concurrency);
		map.from(topic::getPrefetch).to(settings::prefetch);
		map.from(topic::getLease).to(settings::lease);
		map.from(topic::getRateLimit).to(settings::rateLimit);
		map.from(retry::getMaxAttempts).to(settings::maxAttempts);
		map.from(retry::getInitialInterval).to(settings::initialInterval);
		map.from(retry::getMultiplier).to(settings::multiplier);
		map.from(retry::getMaxInterval).to(settings::maxInterval);
		map.from(retry::getJitter).to(settings::jitter);
		settings.noRetryFor(topic.getNoRetryFor());
	}

	/**
	 * The recurring jobs of {@code delayqueue.recurring.*}, each checked; a value breaking a rule fails the startup
	 * naming the property.
	 */
	List<RecurringJob> recurringJobs() {
		List<RecurringJob> jobs = new ArrayList<>();
		this.properties.getRecurring().forEach((name, recurring) -> {
			String prefix = "delayqueue.recurring." + name;
			try {
				if (recurring.getTopic() == null) {
					throw new InvalidJobException("topic", "must be set");
				}
				if (recurring.getCron() == null && recurring.getEvery() == null) {
					throw new InvalidJobException("cron", "or every must be set");
				}
				RecurringJob.Builder builder = (recurring.getCron() != null)
						? RecurringJob.cron(name, recurring.getTopic(), recurring.getCron())
						: RecurringJob.every(name, recurring.getTopic(), recurring.getEvery());
				if (recurring.getCron() != null && recurring.getEvery() != null) {
					throw new InvalidJobException("cron", "or every must be set, not both");
				}
				if (recurring.getZone() != null) {
					builder.zone(recurring.getZone());
				}
				if (recurring.getBody() != null) {
					builder.body(json(recurring.getBody()));
				}
				DelayQueueProperties.Recurring.Callback callback = recurring.getCallback();
				if (callback.getUrl() != null) {
					builder.callback(new JobCallback(JobCallback.parseUrl(callback.getUrl()), callback.getMethod(),
							callback.getHeaders(), SuccessContract.fromWireName("callback.success",
									callback.getSuccess())));
				}
				jobs.add(builder.missed(recurring.getMissed()).build());
			}
			catch (InvalidJobException ex) {
				throw new InvalidConfigurationPropertyValueException(prefix + "." + ex.field(), "(see below)",
						ex.getMessage());
			}
		});
		return jobs;
	}

	private static JsonNode json(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new InvalidJobException("body", "must be JSON text: " + ex.getOriginalMessage());
		}
	}

	/** Builds engine settings; a value breaking an engine rule fails the startup naming its properties. */
	private static <T> T checked(String prefix, Supplier<T> settings) {
		try {
			return settings.get();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(prefix, "(see below)", ex.getMessage());
		}
	}

}
