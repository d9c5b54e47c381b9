package dev.delayqueue.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.DelayQueue;
import dev.delayqueue.event.DelayQueueListener;
import dev.delayqueue.event.DelayQueueListeners;
import dev.delayqueue.handler.DelayedJobHandlerBeanPostProcessor;
import dev.delayqueue.handler.TopicSettingsResolver;
import dev.delayqueue.http.HostAllowList;
import dev.delayqueue.observation.DelayQueueObservations;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.MemoryPolicy;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.redis.RedisTimeClock;
import dev.delayqueue.redis.SilentChannels;
import dev.delayqueue.redis.WakeSubscriber;
import dev.delayqueue.outbox.JdbcOutbox;
import dev.delayqueue.outbox.OutboxRelay;
import dev.delayqueue.store.DefaultDelayQueue;
import dev.delayqueue.store.Outbox;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.RedisRefusals;
import dev.delayqueue.store.WakeSource;
import dev.delayqueue.worker.CallbackDelivery;
import dev.delayqueue.worker.InstanceHeartbeat;
import dev.delayqueue.worker.HandlerThreads;
import dev.delayqueue.worker.JobWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of delayqueue on the application's {@link RedisConnectionFactory}: the {@link DelayQueue}
 * facade, the {@link RedisJobStore}, and (unless {@code delayqueue.worker.enabled=false}) the {@link JobWorker}
 * that delivers jobs to {@link dev.delayqueue.handler.DelayedJobHandler @DelayedJobHandler} methods (and, with
 * {@link DelayQueueHttpAutoConfiguration}, to HTTP callbacks), and the {@link HostAllowList} that checks callback
 * URLs when jobs are scheduled.
 * {@code delayqueue.enabled=false} turns it all off. With Lettuce, it bounds the command timeout and the reconnect
 * back-off of the client Spring Boot builds ({@code DelayQueueLettuceConfiguration}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ StringRedisTemplate.class, JsonMapper.class })
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "delayqueue.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DelayQueueProperties.class)
@Import(DelayQueueLettuceConfiguration.class)
public final class DelayQueueAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(DelayQueueAutoConfiguration.class);

	/**
	 * The application's clock when it has none: the system clock in UTC. delayqueue reads Redis's time on it (see
	 * {@link #delayQueueTime}).
	 */
	@Bean
	@ConditionalOnMissingBean
	Clock delayQueueClock() {
		return Clock.systemUTC();
	}

	/**
	 * Checks at startup that Redis never evicts jobs: a {@code maxmemory-policy} other than {@code noeviction} is a
	 * warning, or with {@code delayqueue.redis.require-noeviction=true} a failed startup. Skipped, with a note in the
	 * debug log, when Redis cannot be read at startup.
	 */
	@Bean
	SmartInitializingSingleton delayQueueMemoryPolicyCheck(RedisConnectionFactory connectionFactory,
			DelayQueueProperties properties) {
		return () -> {
			Set<String> policies;
			try {
				policies = MemoryPolicy.read(new StringRedisTemplate(connectionFactory));
			}
			catch (RuntimeException ex) {
				RuntimeException refused = permissionProblem(ex);
				if (refused != null) {
					throw refused;
				}
				logger.debug("Cannot read Redis's maxmemory-policy at startup", ex);
				return;
			}
			Set<String> evicting = new TreeSet<>(policies);
			evicting.remove(MemoryPolicy.NO_EVICTION);
			if (evicting.isEmpty()) {
				return;
			}
			String problem = "Redis's maxmemory-policy is " + String.join(", ", evicting) + ": when its memory is full, "
					+ "Redis deletes keys to make room, and delayqueue's jobs with them, without a trace; set "
					+ "maxmemory-policy noeviction (then a full Redis refuses new jobs and delivers the others)";
			if (properties.getRedis().isRequireNoeviction()) {
				throw new IllegalStateException(problem + " (delayqueue.redis.require-noeviction=true)");
			}
			logger.warn("{}. delayqueue.redis.require-noeviction=true makes this a failed startup.", problem);
		};
	}

	@Bean
	@ConditionalOnMissingBean
	JobKeys delayQueueJobKeys(DelayQueueProperties properties) {
		return new JobKeys(properties.getRedis().getKeyPrefix());
	}

	@Bean
	@ConditionalOnMissingBean(JobStore.class)
	RedisJobStore delayQueueJobStore(RedisConnectionFactory connectionFactory, JobKeys keys,
			DelayQueueProperties properties, Environment environment) {
		return new DelayQueuePropertiesMapper(properties).jobStore(new StringRedisTemplate(connectionFactory), keys,
				commandTimeout(environment, properties));
	}

	@Bean
	@ConditionalOnMissingBean
	DelayQueue delayQueue(JobStore store, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<DelayQueueListener> listeners, CallbackValidator callbackValidator,
			DelayQueueProperties properties, DelayQueueClock clock,
			ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<Outbox> outboxes) {
		DefaultDelayQueue queue = new DefaultDelayQueue(store, jsonMapper.getIfAvailable(JsonMapper::new),
				listeners(listeners), clock.clock(), Math.toIntExact(properties.getMaxBodySize().toBytes()),
				properties.getWorker().getBatchSize(), callbackValidator);
		queue.setObservations(observations(observationRegistry, properties));
		queue.setTransactionMode(properties.getTransaction().getMode());
		if (properties.getOutbox().isEnabled()) {
			Outbox outbox = outboxes.getIfAvailable();
			if (outbox == null) {
				throw new IllegalStateException("delayqueue.outbox.enabled=true needs spring-jdbc on the classpath "
						+ "(spring-boot-starter-jdbc, or JPA) and a single DataSource bean");
			}
			queue.setOutbox(outbox);
		}
		return queue;
	}

	/**
	 * Declares the recurring jobs of {@code delayqueue.recurring.*} at startup and keeps an occurrence pending for
	 * every recurring job.
	 */
	@Bean
	RecurringJobsLifecycle delayQueueRecurringJobs(DelayQueue delayQueue, DelayQueueProperties properties,
			Environment environment) {
		return new RecurringJobsLifecycle(delayQueue, new DelayQueuePropertiesMapper(properties).recurringJobs(),
				StringUtils.hasText(environment.getProperty("spring.application.name"))
						? environment.getProperty("spring.application.name") : null,
				properties.isRemoveUndeclaredRecurringJobs());
	}

	@Bean
	@ConditionalOnMissingBean
	CallbackValidator delayQueueCallbackValidator(DelayQueueProperties properties) {
		return allowList(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	TopicSettingsResolver delayQueueTopicSettingsResolver(DelayQueueProperties properties,
			ObjectProvider<TopicSettingsCustomizer> customizers, Environment environment) {
		TopicPropertyNames.check(environment);
		return new PropertiesTopicSettingsResolver(new DelayQueuePropertiesMapper(properties),
				customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static DelayedJobHandlerBeanPostProcessor delayedJobHandlerBeanPostProcessor() {
		return new DelayedJobHandlerBeanPostProcessor();
	}

	/**
	 * The clock delayqueue reads: Redis's time on the application's single (or primary) {@link Clock} bean, else on
	 * the system clock in UTC (also when the application has several clocks and none is primary); that clock as it
	 * is when it is not the system clock (a test moving time) or with {@code delayqueue.clock.redis-time=false}.
	 */
	@Bean
	@ConditionalOnMissingBean
	DelayQueueClock delayQueueTime(ObjectProvider<Clock> clock, RedisConnectionFactory connectionFactory, JobKeys keys,
			DelayQueueProperties properties) {
		Clock base = clock.getIfUnique(Clock::systemUTC);
		if (properties.getClock().isRedisTime() && DelayQueueClock.isSystemClock(base)) {
			return DelayQueueClock.redisTime(new RedisTimeClock(base, new StringRedisTemplate(connectionFactory), keys));
		}
		return DelayQueueClock.of(base);
	}

	/**
	 * Returns the observations of delayqueue: through the application's {@link ObservationRegistry} when it has
	 * one, else none.
	 */
	static DelayQueueObservations observations(ObjectProvider<ObservationRegistry> registry,
			DelayQueueProperties properties) {
		ObservationRegistry observationRegistry = registry.getIfUnique();
		return (observationRegistry != null && properties.getTracing().isEnabled())
				? new DelayQueueObservations(observationRegistry, properties.getTracing().isPropagate())
				: DelayQueueObservations.NONE;
	}

	/**
	 * Turns a Redis ACL refusal ({@code NOPERM}) met at startup into a failed startup that says what to grant.
	 * @param ex what Redis answered
	 * @return the failure to throw, or {@code null} when {@code ex} is not a permission error
	 */
	static @Nullable RuntimeException permissionProblem(RuntimeException ex) {
		String refusal = RedisRefusals.permission(ex);
		return (refusal != null) ? new IllegalStateException("delayqueue's Redis user lacks a permission it needs ("
				+ refusal + "); grant the commands, keys and channels docs/redis.md lists under 'A Redis user for "
				+ "delayqueue'", ex) : null;
	}

	/**
	 * Returns the clock delayqueue reads, for the auto-configurations that follow this one: the
	 * {@link DelayQueueClock} bean's, or the system clock when the application made its own store and this
	 * auto-configuration made no such bean.
	 */
	static Clock clock(ObjectProvider<DelayQueueClock> clock) {
		return clock.getIfAvailable(DelayQueueClock::fallback).clock();
	}

	/** The allow-list the properties describe ({@code delayqueue.http.allowed-hosts}, {@code .deny-private-networks}). */
	static HostAllowList allowList(DelayQueueProperties properties) {
		DelayQueueProperties.Http http = properties.getHttp();
		return http.isDenyPrivateNetworks() ? HostAllowList.denyingPrivateNetworks(http.getAllowedHosts())
				: new HostAllowList(http.getAllowedHosts());
	}

	/**
	 * The client's command timeout: Boot's {@code spring.data.redis.timeout} when set, else the one this
	 * auto-configuration gives Lettuce ({@code delayqueue.redis.command-timeout}).
	 */
	static Duration commandTimeout(Environment environment, DelayQueueProperties properties) {
		return Binder.get(environment)
			.bind("spring.data.redis.timeout", Duration.class)
			.orElse(properties.getRedis().getCommandTimeout());
	}

	static DelayQueueListener listeners(ObjectProvider<DelayQueueListener> listeners) {
		return new DelayQueueListeners(listeners.orderedStream().toList());
	}

	/**
	 * The worker, unless {@code delayqueue.worker.enabled=false}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "delayqueue.worker.enabled", matchIfMissing = true)
	static final class WorkerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WakeSource delayQueueWakeSubscriber(RedisConnectionFactory connectionFactory, JobKeys keys,
				DelayQueueProperties properties, ObjectProvider<SilentChannels> silentChannels) {
			return WakeSubscriber.of(connectionFactory, keys,
					new DelayQueuePropertiesMapper(properties).subscriptionCheckInterval(), silentChannels.getIfAvailable());
		}

		/**
		 * The threads of the handlers: virtual with {@code spring.threads.virtual.enabled=true} on Java 21 or later,
		 * else platform threads; an application bean of this type replaces it.
		 */
		@Bean
		@ConditionalOnMissingBean
		HandlerThreads delayQueueHandlerThreads(Environment environment) {
			if (Threading.VIRTUAL.isActive(environment)) {
				return (topic) -> new VirtualThreadTaskExecutor("delayqueue-" + topic + "-").getVirtualThreadFactory();
			}
			return HandlerThreads.PLATFORM;
		}

		@Bean
		@ConditionalOnMissingBean
		JobWorker delayQueueJobWorker(JobStore store, WakeSource wakeSource,
				ObjectProvider<DelayQueueListener> listeners, ObjectProvider<CallbackDelivery> callbackDelivery,
				DelayQueueProperties properties, DelayQueueClock clock,
				ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<HandlerThreads> handlerThreads) {
			JobWorker worker = new JobWorker(store, wakeSource, listeners(listeners), clock.clock(),
					new DelayQueuePropertiesMapper(properties).workerSettings());
			worker.setHandlerThreads(handlerThreads.getIfAvailable(() -> HandlerThreads.PLATFORM));
			worker.setObservations(observations(observationRegistry, properties));
			callbackDelivery.ifAvailable((delivery) -> worker.deliverCallbacks(delivery.handler(), delivery.settings()));
			return worker;
		}

		@Bean
		@ConditionalOnMissingBean
		InstanceHeartbeat delayQueueInstanceHeartbeat(JobStore store, JobWorker worker,
				ObjectProvider<CallbackDelivery> callbackDelivery, DelayQueueClock clock) {
			return new InstanceHeartbeat(store, clock.clock(), InstanceHeartbeat.DEFAULT_INTERVAL, worker::topics,
					callbackDelivery.getIfAvailable() != null);
		}

	}


	/**
	 * The transactional outbox, with {@code delayqueue.outbox.enabled=true}: the table in the application's
	 * DataSource and, unless {@code delayqueue.outbox.relay=false}, the relay.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.jdbc.core.JdbcTemplate")
	@ConditionalOnBooleanProperty("delayqueue.outbox.enabled")
	static final class OutboxConfiguration {

		@Bean
		@ConditionalOnMissingBean(Outbox.class)
		JdbcOutbox delayQueueOutbox(ObjectProvider<DataSource> dataSource, DelayQueueProperties properties,
				DelayQueueClock clock, ObjectProvider<OutboxRelay> relay) {
			DataSource database = dataSource.getIfUnique();
			if (database == null) {
				throw new IllegalStateException("delayqueue.outbox.enabled=true needs a single (or primary) DataSource "
						+ "bean: the outbox table lives in the application's database");
			}
			JdbcOutbox outbox = new JdbcOutbox(database, properties.getOutbox().getTable(), clock.clock(),
					() -> relay.ifAvailable(OutboxRelay::wake));
			if (properties.getOutbox().isInitializeSchema()) {
				outbox.initializeSchema();
			}
			return outbox;
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "delayqueue.outbox.relay", matchIfMissing = true)
		OutboxRelay delayQueueOutboxRelay(JdbcOutbox outbox, DelayQueue queue, DelayQueueProperties properties) {
			if (!(queue instanceof DefaultDelayQueue defaultQueue)) {
				throw new IllegalStateException("The outbox relay needs delayqueue's own DelayQueue bean, not "
						+ queue.getClass().getName());
			}
			DelayQueueProperties.Outbox settings = properties.getOutbox();
			if (settings.getBatchSize() < 1 || settings.getPollInterval().toMillis() < 1
					|| settings.getDedupWindow().toMillis() < 1) {
				throw new InvalidConfigurationPropertyValueException("delayqueue.outbox", "(see below)",
						"batch-size, poll-interval and dedup-window must be positive");
			}
			return new OutboxRelay(outbox, defaultQueue, settings.getPollInterval(), settings.getBatchSize(),
					settings.getDedupWindow());
		}

	}

}
