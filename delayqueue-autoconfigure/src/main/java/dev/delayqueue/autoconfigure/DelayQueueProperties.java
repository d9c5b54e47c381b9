package dev.delayqueue.autoconfigure;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.RecurringJob;
import dev.delayqueue.dashboard.DashboardEndpoint;
import dev.delayqueue.http.CallbackSettings;
import dev.delayqueue.micrometer.MetricsSettings;
import dev.delayqueue.redis.JobKeys;
import dev.delayqueue.redis.RedisJobStore;
import dev.delayqueue.redis.WakeSubscriber;
import dev.delayqueue.store.DefaultDelayQueue;
import dev.delayqueue.store.TransactionMode;
import dev.delayqueue.web.HttpQueueEndpoint;
import dev.delayqueue.web.JobEndpoint;
import dev.delayqueue.worker.RetryPolicy;
import dev.delayqueue.worker.TopicSettings;
import dev.delayqueue.worker.WorkerSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of delayqueue ({@code delayqueue.*}).
 *
 * @since 0.1.0
 */
@ConfigurationProperties("delayqueue")
public class DelayQueueProperties {

	/**
	 * Whether delayqueue is enabled at all.
	 */
	private boolean enabled = true;

	/**
	 * Largest job body, as JSON.
	 */
	private DataSize maxBodySize = DataSize.ofBytes(DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES);

	private final Redis redis = new Redis();

	private final Worker worker = new Worker();

	private final Defaults defaults = new Defaults();

	private final Http http = new Http();

	private final Web web = new Web();

	private final Metrics metrics = new Metrics();

	private final Health health = new Health();

	private final Tracing tracing = new Tracing();

	private final Dashboard dashboard = new Dashboard();

	private final ClockSettings clock = new ClockSettings();

	private final Transaction transaction = new Transaction();

	private final Outbox outbox = new Outbox();

	/**
	 * Per-topic settings, overriding the defaults and the handler's annotation; the same keys as
	 * {@code delayqueue.defaults}. Write a topic with dots in brackets: {@code delayqueue.topics[order.created].lease}.
	 * They apply to the topic's jobs with a callback too.
	 */
	private final Map<String, Topic> topics = new LinkedHashMap<>();

	/**
	 * Recurring jobs by name: each needs a topic and either a cron expression (with an optional zone) or an interval
	 * (every). Every instance declares them at startup; declaring the same schedule again changes nothing.
	 */
	private final Map<String, Recurring> recurring = new LinkedHashMap<>();

	/**
	 * Whether an instance removes, at startup, the recurring jobs its application (spring.application.name) declared
	 * in configuration before but no longer declares. Recurring jobs declared through the API are never removed.
	 */
	private boolean removeUndeclaredRecurringJobs = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public Map<String, Recurring> getRecurring() {
		return this.recurring;
	}

	public boolean isRemoveUndeclaredRecurringJobs() {
		return this.removeUndeclaredRecurringJobs;
	}

	public void setRemoveUndeclaredRecurringJobs(boolean removeUndeclaredRecurringJobs) {
		this.removeUndeclaredRecurringJobs = removeUndeclaredRecurringJobs;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public DataSize getMaxBodySize() {
		return this.maxBodySize;
	}

	public void setMaxBodySize(DataSize maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Map<String, Topic> getTopics() {
		return this.topics;
	}

	public Http getHttp() {
		return this.http;
	}

	public Web getWeb() {
		return this.web;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Health getHealth() {
		return this.health;
	}

	public Tracing getTracing() {
		return this.tracing;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	public Transaction getTransaction() {
		return this.transaction;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	public ClockSettings getClock() {
		return this.clock;
	}

	/**
	 * The time base of every decision ({@code delayqueue.clock.*}).
	 */
	public static class ClockSettings {

		/**
		 * Whether delayqueue takes its times from Redis (Redis's TIME, read at startup and every 10 s, counted on
		 * with the monotonic clock), so instances whose clocks disagree still agree on when a job is due and when a
		 * lease has run out. An application Clock bean that is not the system clock (a test moving time) is always
		 * used as it is.
		 */
		private boolean redisTime = true;

		public boolean isRedisTime() {
			return this.redisTime;
		}

		public void setRedisTime(boolean redisTime) {
			this.redisTime = redisTime;
		}

	}

	/**
	 * The dashboard ({@code delayqueue.dashboard.*}): a page in Spring MVC applications, and the per-minute counters
	 * every instance adds to for its chart.
	 */
	public static class Dashboard {

		/** Whether to serve the dashboard (Spring MVC applications). */
		private boolean enabled;

		/** Path of the page; its JSON is under {path}/api. */
		private String path = DashboardEndpoint.DEFAULT_PATH;

		/** HTTP Basic user name of the page, when Spring Security is not on the classpath. */
		private String username = DashboardEndpoint.DEFAULT_USERNAME;

		/**
		 * HTTP Basic password of the page; required when the dashboard is enabled and Spring Security is not on the
		 * classpath (with Spring Security, the application's rules guard the page instead).
		 */
		private @Nullable String password;

		/**
		 * Whether this instance adds its deliveries and their lateness to the per-minute counters in Redis that the
		 * dashboard charts (whether or not it serves the page itself).
		 */
		private boolean record = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public boolean isRecord() {
			return this.record;
		}

		public void setRecord(boolean record) {
			this.record = record;
		}

	}

	/**
	 * Scheduling inside a Spring-managed transaction ({@code delayqueue.transaction.*}).
	 */
	public static class Transaction {

		/**
		 * When schedule, scheduleAll, reschedule and cancel called inside an active Spring-managed transaction write
		 * to Redis: after-commit (after it commits, not at all on rollback) or immediate (at once; Redis is not part
		 * of the transaction).
		 */
		private TransactionMode mode = TransactionMode.AFTER_COMMIT;

		public TransactionMode getMode() {
			return this.mode;
		}

		public void setMode(TransactionMode mode) {
			this.mode = mode;
		}

	}

	/**
	 * The transactional outbox ({@code delayqueue.outbox.*}).
	 */
	public static class Outbox {

		/**
		 * Whether schedule, scheduleAll, reschedule and cancel called inside a transaction of the application's
		 * DataSource write a row to the outbox table in that transaction, relayed to Redis after it commits (closing
		 * the window between a commit and the Redis write). Needs spring-jdbc and a DataSource.
		 */
		private boolean enabled;

		/**
		 * Outbox table, optionally with its schema.
		 */
		private String table = "delayqueue_outbox";

		/**
		 * Whether to create the outbox table at startup unless it exists (PostgreSQL and H2; create it yourself
		 * elsewhere, see the guide).
		 */
		private boolean initializeSchema;

		/**
		 * Whether this instance relays the outbox's rows to Redis; every instance with it takes turns under a row lock.
		 */
		private boolean relay = true;

		/**
		 * Longest wait between two looks at the outbox table: a safety net under the nudge each commit gives.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * Most rows relayed in one database transaction.
		 */
		private int batchSize = 100;

		/**
		 * How long Redis remembers that a relayed schedule request was applied, so that a row relayed again after a
		 * crash (between the Redis write and the row's delete) changes nothing; one small key per job for that long.
		 */
		private Duration dedupWindow = Duration.ofHours(24);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public boolean isInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(boolean initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public boolean isRelay() {
			return this.relay;
		}

		public void setRelay(boolean relay) {
			this.relay = relay;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getDedupWindow() {
			return this.dedupWindow;
		}

		public void setDedupWindow(Duration dedupWindow) {
			this.dedupWindow = dedupWindow;
		}

	}

	/**
	 * Observations and trace propagation ({@code delayqueue.tracing.*}), made when the application has an
	 * {@code ObservationRegistry}.
	 */
	public static class Tracing {

		/**
		 * Whether to make the delayqueue.schedule and delayqueue.process observations (spans with Micrometer
		 * Tracing, timers with Boot's meter handler) when the application has an ObservationRegistry.
		 */
		private boolean enabled = true;

		/**
		 * Whether each job stores the trace context of its scheduling (W3C traceparent with Boot's default
		 * propagation; at most 1 KB, else none) so its delivery continues that trace as a child span. Off: each
		 * delivery starts a trace of its own.
		 */
		private boolean propagate = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isPropagate() {
			return this.propagate;
		}

		public void setPropagate(boolean propagate) {
			this.propagate = propagate;
		}

	}

	/**
	 * The Actuator health contributor ({@code delayqueue.health.*}).
	 */
	public static class Health {

		/** Default {@link #maxOverdue}. */
		public static final Duration DEFAULT_MAX_OVERDUE = Duration.ofMinutes(1);

		/**
		 * How long the oldest due job of a topic this instance serves may wait to be claimed before the health
		 * contributor reports OUT_OF_SERVICE.
		 */
		private Duration maxOverdue = DEFAULT_MAX_OVERDUE;

		public Duration getMaxOverdue() {
			return this.maxOverdue;
		}

		public void setMaxOverdue(Duration maxOverdue) {
			this.maxOverdue = maxOverdue;
		}

	}

	/**
	 * Micrometer meters ({@code delayqueue.metrics.*}), recorded when the application has a {@code MeterRegistry}.
	 */
	public static class Metrics {

		/**
		 * Whether to record delayqueue's meters when the application has a MeterRegistry.
		 */
		private boolean enabled = true;

		/**
		 * Interval between two reads of the job-count and overdue gauges from Redis (one read per topic).
		 */
		private Duration refresh = MetricsSettings.DEFAULT_REFRESH;

		/**
		 * Most topics with their own topic tag value; the others share the value "(other)".
		 */
		private int maxTopics = MetricsSettings.DEFAULT_MAX_TOPICS;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getRefresh() {
			return this.refresh;
		}

		public void setRefresh(Duration refresh) {
			this.refresh = refresh;
		}

		public int getMaxTopics() {
			return this.maxTopics;
		}

		public void setMaxTopics(int maxTopics) {
			this.maxTopics = maxTopics;
		}

	}

	/**
	 * Delivery of jobs with a callback over HTTP ({@code delayqueue.http.*}).
	 */
	public static class Http {

		/**
		 * Whether this instance delivers jobs that carry an HTTP callback (needs spring-webflux and Reactor Netty).
		 */
		private boolean enabled = true;

		/**
		 * Whether callbacks to loopback, private (10/8, 172.16/12, 192.168/16), carrier-grade NAT and unique-local
		 * addresses are refused unless allowed-hosts lists them explicitly (link-local and cloud metadata addresses
		 * always are). Turn it on for a delay-queue server other services reach: without it, anyone who can
		 * schedule a job can make this service call any internal address, Redis's own port included.
		 */
		private boolean denyPrivateNetworks;

		/**
		 * Hosts callbacks may go to: host names, *.domain wildcards, IP addresses, CIDR ranges or *. Empty allows
		 * every host except link-local and cloud metadata addresses, which must be listed explicitly.
		 */
		private List<String> allowedHosts = new ArrayList<>();

		/**
		 * Longest wait for a callback's answer once the request is sent, and between parts of it. A receiver that
		 * trickles its answer is cut after twice this plus the connect timeout.
		 */
		private Duration timeout = CallbackSettings.DEFAULT_TIMEOUT;

		/**
		 * Longest time to open a connection.
		 */
		private Duration connectTimeout = CallbackSettings.DEFAULT_CONNECT_TIMEOUT;

		/**
		 * Most pooled connections, all hosts together.
		 */
		private int maxConnections = CallbackSettings.DEFAULT_MAX_CONNECTIONS;

		/**
		 * Most callbacks running at once, all hosts together; more wait their turn with their lease kept alive.
		 */
		private int maxConcurrency = CallbackSettings.DEFAULT_MAX_CONCURRENCY;

		/**
		 * Most callbacks running at once to one host and port.
		 */
		private int maxConcurrencyPerHost = CallbackSettings.DEFAULT_MAX_CONCURRENCY_PER_HOST;

		/**
		 * Largest answer read from a receiver; larger answers count as failures.
		 */
		private DataSize maxResponseSize = DataSize.ofBytes(CallbackSettings.DEFAULT_MAX_RESPONSE_SIZE);

		/**
		 * Wait before the next attempt after "too many requests" (429, or code 101) without Retry-After, for jobs
		 * without their own backoff. Such attempts are not counted.
		 */
		private Duration slowDownDelay = CallbackSettings.DEFAULT_SLOW_DOWN_DELAY;

		/**
		 * Longest Retry-After honoured; longer values are cut to this.
		 */
		private Duration maxRetryAfter = CallbackSettings.DEFAULT_MAX_RETRY_AFTER;

		/**
		 * Secret (at least 16 characters) for the HMAC-SHA256 signature sent with every callback; none when empty.
		 */
		private @Nullable String signingSecret;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isDenyPrivateNetworks() {
			return this.denyPrivateNetworks;
		}

		public void setDenyPrivateNetworks(boolean denyPrivateNetworks) {
			this.denyPrivateNetworks = denyPrivateNetworks;
		}

		public List<String> getAllowedHosts() {
			return this.allowedHosts;
		}

		public void setAllowedHosts(List<String> allowedHosts) {
			this.allowedHosts = allowedHosts;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public int getMaxConcurrency() {
			return this.maxConcurrency;
		}

		public void setMaxConcurrency(int maxConcurrency) {
			this.maxConcurrency = maxConcurrency;
		}

		public int getMaxConcurrencyPerHost() {
			return this.maxConcurrencyPerHost;
		}

		public void setMaxConcurrencyPerHost(int maxConcurrencyPerHost) {
			this.maxConcurrencyPerHost = maxConcurrencyPerHost;
		}

		public DataSize getMaxResponseSize() {
			return this.maxResponseSize;
		}

		public void setMaxResponseSize(DataSize maxResponseSize) {
			this.maxResponseSize = maxResponseSize;
		}

		public Duration getSlowDownDelay() {
			return this.slowDownDelay;
		}

		public void setSlowDownDelay(Duration slowDownDelay) {
			this.slowDownDelay = slowDownDelay;
		}

		public Duration getMaxRetryAfter() {
			return this.maxRetryAfter;
		}

		public void setMaxRetryAfter(Duration maxRetryAfter) {
			this.maxRetryAfter = maxRetryAfter;
		}

		public @Nullable String getSigningSecret() {
			return this.signingSecret;
		}

		public void setSigningSecret(@Nullable String signingSecret) {
			this.signingSecret = signingSecret;
		}

	}

	/**
	 * HTTP endpoints of a shared delay-queue server ({@code delayqueue.web.*}); Spring MVC applications only.
	 */
	public static class Web {

		/**
		 * Whether to serve the /job endpoint (schedule, query, delete, dead jobs).
		 */
		private boolean enabled;

		/**
		 * Base path of the /job endpoint.
		 */
		private String path = JobEndpoint.DEFAULT_PATH;

		/**
		 * Bearer token every request to the endpoints must carry; none when empty. Not for applications with Spring
		 * Security, whose own rules apply.
		 */
		private @Nullable String token;

		/**
		 * Largest request body the endpoints read.
		 */
		private DataSize maxRequestSize = DataSize.ofBytes(JobEndpoint.DEFAULT_MAX_REQUEST_BYTES);

		private final HttpQueue httpqueue = new HttpQueue();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

		public DataSize getMaxRequestSize() {
			return this.maxRequestSize;
		}

		public void setMaxRequestSize(DataSize maxRequestSize) {
			this.maxRequestSize = maxRequestSize;
		}

		public HttpQueue getHttpqueue() {
			return this.httpqueue;
		}

	}

	/**
	 * The httpqueue-compatible endpoints ({@code delayqueue.web.httpqueue.*}).
	 */
	public static class HttpQueue {

		/**
		 * Whether to serve httpqueue's /create, /delete and /query.
		 */
		private boolean enabled;

		/**
		 * Path prefix of the httpqueue endpoints; empty serves them at the root.
		 */
		private String pathPrefix = "";

		/**
		 * Topic that holds every httpqueue task (httpqueue addresses tasks by id alone).
		 */
		private String topic = HttpQueueEndpoint.DEFAULT_TOPIC;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPathPrefix() {
			return this.pathPrefix;
		}

		public void setPathPrefix(String pathPrefix) {
			this.pathPrefix = pathPrefix;
		}

		public String getTopic() {
			return this.topic;
		}

		public void setTopic(String topic) {
			this.topic = topic;
		}

	}

	/**
	 * Redis settings.
	 */
	public static class Redis {

		/**
		 * Prefix of every Redis key and channel delayqueue uses; give each application sharing a Redis its own.
		 */
		private String keyPrefix = JobKeys.DEFAULT_PREFIX;

		/**
		 * Command timeout given to Lettuce when spring.data.redis.timeout is not set (Lettuce's own default is a
		 * minute), so calls to an unreachable or stalled Redis fail fast.
		 */
		private Duration commandTimeout = RedisJobStore.DEFAULT_COMMAND_TIMEOUT;

		/**
		 * How many replicas must have a write that schedules, reschedules, cancels or ends a delivery before it
		 * returns (Redis WAIT); 0 returns once the master has it. Replication is asynchronous: without it, a job
		 * acknowledged just before a master fails can be lost in the failover.
		 */
		private int waitForReplicas;

		/**
		 * How long such a write waits for its replicas before it fails with DelayQueueNotReplicatedException
		 * (HTTP 503 on the endpoints): written on the master, outcome unknown, safe to do again.
		 */
		private Duration waitTimeout = Duration.ofSeconds(1);

		/**
		 * Longest wait between two reconnect attempts of Lettuce, the waits doubling from 100 ms up to it (Lettuce's
		 * own go up to 30 seconds). Applies when Spring Boot builds Lettuce's ClientResources; the application's
		 * ClientResourcesBuilderCustomizer beans are applied after it.
		 */
		private Duration reconnectMaxDelay = Duration.ofSeconds(2);

		/**
		 * Whether a maxmemory-policy other than noeviction fails the startup instead of logging a warning: any other
		 * policy lets a full Redis delete jobs without a trace.
		 */
		private boolean requireNoeviction;

		/**
		 * Whether a Redis connection that sent a command and then heard nothing for the command timeout is closed for
		 * Lettuce to reconnect it: a half-open connection (a peer gone without a word) stays open for minutes, or for
		 * ever, otherwise. Applies to the connections of the ClientResources Spring Boot builds; off with no command
		 * timeout. Turn it off when commands legitimately wait longer than the command timeout.
		 */
		private boolean closeSilentConnections = true;

		/**
		 * How long the wake-up subscription may receive nothing before it publishes a probe to itself; a probe not
		 * received back by the next check closes the subscription's connection for Lettuce to reconnect (or, when
		 * delayqueue does not watch the connections, subscribes anew). Zero turns the check off.
		 */
		private Duration subscriptionCheckInterval = WakeSubscriber.DEFAULT_CHECK_INTERVAL;

		public boolean isCloseSilentConnections() {
			return this.closeSilentConnections;
		}

		public void setCloseSilentConnections(boolean closeSilentConnections) {
			this.closeSilentConnections = closeSilentConnections;
		}

		public Duration getSubscriptionCheckInterval() {
			return this.subscriptionCheckInterval;
		}

		public void setSubscriptionCheckInterval(Duration subscriptionCheckInterval) {
			this.subscriptionCheckInterval = subscriptionCheckInterval;
		}

		public boolean isRequireNoeviction() {
			return this.requireNoeviction;
		}

		public void setRequireNoeviction(boolean requireNoeviction) {
			this.requireNoeviction = requireNoeviction;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public int getWaitForReplicas() {
			return this.waitForReplicas;
		}

		public void setWaitForReplicas(int waitForReplicas) {
			this.waitForReplicas = waitForReplicas;
		}

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

		public Duration getReconnectMaxDelay() {
			return this.reconnectMaxDelay;
		}

		public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
			this.reconnectMaxDelay = reconnectMaxDelay;
		}

	}

	/**
	 * Worker settings, for all topics of this instance.
	 */
	public static class Worker {

		/**
		 * Whether this instance delivers jobs; false for an instance that only schedules them.
		 */
		private boolean enabled = true;

		/**
		 * Most jobs claimed or acknowledged by one Redis script call.
		 */
		private int batchSize = WorkerSettings.DEFAULT_BATCH_SIZE;

		/**
		 * Longest sleep between two claims of a topic; a safety net under the pub/sub wake-ups.
		 */
		private Duration pollInterval = WorkerSettings.DEFAULT_POLL_INTERVAL;

		/**
		 * How long shutdown waits for running handlers before interrupting them.
		 */
		private Duration shutdownTimeout = WorkerSettings.DEFAULT_SHUTDOWN_TIMEOUT;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	/**
	 * Settings of every handler, unless its annotation or its topic's properties say otherwise.
	 */
	public static class Defaults {

		/**
		 * How many of a topic's jobs run at once in this instance.
		 */
		private int concurrency = TopicSettings.DEFAULT_CONCURRENCY;

		/**
		 * How many claimed jobs of a topic may wait here for a free handler thread.
		 */
		private int prefetch = TopicSettings.DEFAULT_PREFETCH;

		/**
		 * How long a claim lasts without a heartbeat before another instance may deliver the job again.
		 */
		private Duration lease = TopicSettings.DEFAULT_LEASE;

		/**
		 * Exception types that send a job straight to the dead state.
		 */
		private List<Class<? extends Throwable>> noRetryFor = new ArrayList<>();

		private final Retry retry = new Retry();

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public List<Class<? extends Throwable>> getNoRetryFor() {
			return this.noRetryFor;
		}

		public void setNoRetryFor(List<Class<? extends Throwable>> noRetryFor) {
			this.noRetryFor = noRetryFor;
		}

		public Retry getRetry() {
			return this.retry;
		}

	}

	/**
	 * Default retry policy.
	 */
	public static class Retry {

		/**
		 * Most delivery attempts, the first included.
		 */
		private int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;

		/**
		 * Wait after the first failed attempt.
		 */
		private Duration initialInterval = RetryPolicy.DEFAULT_INITIAL_INTERVAL;

		/**
		 * Factor applied to the wait after each further failure.
		 */
		private double multiplier = RetryPolicy.DEFAULT_MULTIPLIER;

		/**
		 * Longest wait between two attempts.
		 */
		private Duration maxInterval = RetryPolicy.DEFAULT_MAX_INTERVAL;

		/**
		 * Fraction of each wait spread at random, from 0 to 1, so that failed jobs do not retry in lockstep.
		 */
		private double jitter = RetryPolicy.DEFAULT_JITTER;

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Settings of one topic, in the shape of {@code delayqueue.defaults}; each one left unset falls back to the
	 * handler's annotation, then to the defaults. A topic whose name contains dots is written in brackets:
	 * {@code delayqueue.topics[order.created].concurrency}.
	 */
	public static class Topic {

		/**
		 * How many of the topic's jobs run at once in this instance.
		 */
		private @Nullable Integer concurrency;

		/**
		 * How many claimed jobs may wait here for a free handler thread.
		 */
		private @Nullable Integer prefetch;

		/**
		 * How long a claim lasts without a heartbeat.
		 */
		private @Nullable Duration lease;

		/**
		 * Exception types that send the topic's jobs straight to the dead state, added to those of the defaults
		 * and of the handler's annotation.
		 */
		private List<Class<? extends Throwable>> noRetryFor = new ArrayList<>();

		/**
		 * How many partitions new jobs of the topic are spread over, by job id (1 to 1024). Each partition is its own
		 * hash tag, so on Redis Cluster a topic's partitions land on different slots and masters; workers claim from
		 * every partition. Jobs already scheduled stay in their partition when the count changes.
		 */
		private @Nullable Integer partitions;

		/**
		 * Most deliveries a second of the topic, all instances together, enforced in Redis (a token bucket per
		 * partition, holding a tenth of a second); for callbacks to fragile receivers and handlers calling
		 * rate-limited APIs. Unset for no limit.
		 */
		private @Nullable Double rateLimit;

		private final TopicRetry retry = new TopicRetry();

		public @Nullable Double getRateLimit() {
			return this.rateLimit;
		}

		public void setRateLimit(@Nullable Double rateLimit) {
			this.rateLimit = rateLimit;
		}

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = concurrency;
		}

		public @Nullable Integer getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(@Nullable Integer prefetch) {
			this.prefetch = prefetch;
		}

		public @Nullable Duration getLease() {
			return this.lease;
		}

		public void setLease(@Nullable Duration lease) {
			this.lease = lease;
		}

		public List<Class<? extends Throwable>> getNoRetryFor() {
			return this.noRetryFor;
		}

		public void setNoRetryFor(List<Class<? extends Throwable>> noRetryFor) {
			this.noRetryFor = noRetryFor;
		}

		public @Nullable Integer getPartitions() {
			return this.partitions;
		}

		public void setPartitions(@Nullable Integer partitions) {
			this.partitions = partitions;
		}

		public TopicRetry getRetry() {
			return this.retry;
		}

	}

	/**
	 * Retry policy of one topic; each value left unset falls back to the handler's annotation, then to the
	 * defaults.
	 */
	public static class TopicRetry {

		/**
		 * Most delivery attempts, the first included.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Wait after the first failed attempt.
		 */
		private @Nullable Duration initialInterval;

		/**
		 * Factor applied to the wait after each further failure, from 1 to 100.
		 */
		private @Nullable Double multiplier;

		/**
		 * Longest wait between two attempts, at most 7 days.
		 */
		private @Nullable Duration maxInterval;

		/**
		 * Fraction of each wait spread at random, from 0 to 1.
		 */
		private @Nullable Double jitter;

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(@Nullable Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
		}

		public @Nullable Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(@Nullable Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public @Nullable Double getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * A recurring job declared in properties ({@code delayqueue.recurring.<name>.*}).
	 */
	public static class Recurring {

		/**
		 * The topic of its occurrences.
		 */
		private @Nullable String topic;

		/**
		 * A Spring cron expression (six fields, seconds first, or a macro such as @daily); set this or every.
		 */
		private @Nullable String cron;

		/**
		 * The time zone of the cron expression; UTC when not set (not the JVM's default zone, so that instances in
		 * different zones agree).
		 */
		private @Nullable ZoneId zone;

		/**
		 * A fixed interval between occurrences, at least 1s; the first is due one interval after the schedule is
		 * created. Set this or cron.
		 */
		private @Nullable Duration every;

		/**
		 * The body of every occurrence, as JSON text (for example {"report":"daily"}).
		 */
		private @Nullable String body;

		/**
		 * What to do with an occurrence found late after downtime: run-once (run it, then resume) or skip (skip it
		 * when later than its interval or a minute, and resume).
		 */
		private RecurringJob.Missed missed = RecurringJob.Missed.RUN_ONCE;

		/**
		 * Where to deliver the occurrences over HTTP; by default to the topic's local handler.
		 */
		private final Callback callback = new Callback();

		public @Nullable String getTopic() {
			return this.topic;
		}

		public void setTopic(@Nullable String topic) {
			this.topic = topic;
		}

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

		public @Nullable ZoneId getZone() {
			return this.zone;
		}

		public void setZone(@Nullable ZoneId zone) {
			this.zone = zone;
		}

		public @Nullable Duration getEvery() {
			return this.every;
		}

		public void setEvery(@Nullable Duration every) {
			this.every = every;
		}

		public @Nullable String getBody() {
			return this.body;
		}

		public void setBody(@Nullable String body) {
			this.body = body;
		}

		public RecurringJob.Missed getMissed() {
			return this.missed;
		}

		public void setMissed(RecurringJob.Missed missed) {
			this.missed = missed;
		}

		public Callback getCallback() {
			return this.callback;
		}

		/**
		 * The HTTP callback of a recurring job's occurrences ({@code delayqueue.recurring.<name>.callback.*}).
		 */
		public static class Callback {

			/**
			 * The URL to call; when not set the occurrences go to the topic's local handler.
			 */
			private @Nullable String url;

			/**
			 * The HTTP method: POST, PUT or PATCH.
			 */
			private String method = "POST";

			/**
			 * Extra request headers.
			 */
			private Map<String, String> headers = new LinkedHashMap<>();

			/**
			 * What counts as success: 2xx (any 2xx status), ok (2xx and the body ok) or code (2xx and {"code":100}).
			 */
			private String success = "2xx";

			public @Nullable String getUrl() {
				return this.url;
			}

			public void setUrl(@Nullable String url) {
				this.url = url;
			}

			public String getMethod() {
				return this.method;
			}

			public void setMethod(String method) {
				this.method = method;
			}

			public Map<String, String> getHeaders() {
				return this.headers;
			}

			public void setHeaders(Map<String, String> headers) {
				this.headers = headers;
			}

			public String getSuccess() {
				return this.success;
			}

			public void setSuccess(String success) {
				this.success = success;
			}

		}

	}

}
