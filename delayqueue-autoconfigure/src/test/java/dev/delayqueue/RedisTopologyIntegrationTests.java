package dev.delayqueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.CallbackReceiver.Answer;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.autoconfigure.DelayQueueHttpAutoConfiguration;
import dev.delayqueue.embedded.RedisClusterProcess;
import dev.delayqueue.embedded.RedisClusterProcess.Node;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.embedded.RedisSentinelProcess;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured queue and worker on a real Redis Cluster (3 masters, 3 replicas) and behind real Sentinels:
 * jobs of topics on every master, and of a topic with 8 partitions, delivered on time (wake-ups over each
 * partition's shard channel on Redis 7, over the classic channel on 6.2), also after a topic's slot moved to
 * another master; and, with Sentinel and
 * {@code wait-for-replicas=1}, delivered before and after a failover.
 */
class RedisTopologyIntegrationTests {

	static final Map<String, Long> lateness = new ConcurrentHashMap<>();

	private static RedisClusterProcess cluster;

	/** One topic on each master. */
	private static List<String> topics;

	private String prefix;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcess.start();
		topics = new ArrayList<>();
		List<Integer> seen = new ArrayList<>();
		for (int i = 0; topics.size() < 3; i++) {
			String topic = "topic" + i;
			int port = cluster.masterOf(RedisClusterProcess.slot("{" + topic + "}")).port();
			if (!seen.contains(port)) {
				seen.add(port);
				topics.add(topic);
			}
		}
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@BeforeEach
	void setUp() {
		lateness.clear();
		this.prefix = TestRedis.uniquePrefix();
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					DelayQueueAutoConfiguration.class))
			.withUserConfiguration(Handlers.class)
			.withPropertyValues("delayqueue.redis.key-prefix=" + this.prefix, "delayqueue.worker.shutdown-timeout=5s",
					"spring.data.redis.lettuce.cluster.refresh.period=1s", "t0=" + topics.get(0),
					"t1=" + topics.get(1), "t2=" + topics.get(2), "delayqueue.topics.hot.partitions=8")
			.withPropertyValues(properties);
	}

	@Test
	void onAClusterJobsOfEveryMasterAndEveryPartitionAreDeliveredOnTimeAlsoAfterTheirSlotMoved() {
		runner("spring.data.redis.cluster.nodes=" + cluster.seedNodes()).run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			// a first round connects to every node and loads the scripts there
			List<String> warmUp = new ArrayList<>();
			for (String topic : topics) {
				queue.schedule(topic, topic + "-0", null, Duration.ZERO);
				warmUp.add(topic + "-0");
			}
			for (int i = 0; i < 40; i++) {
				queue.schedule("hot", "warm-" + i, null, Duration.ZERO);
				warmUp.add("warm-" + i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> lateness.keySet().containsAll(warmUp));
			lateness.clear();
			List<String> expected = new ArrayList<>();
			for (String topic : topics) {
				queue.schedule(topic, topic + "-1", null, Duration.ofMillis(700));
				expected.add(topic + "-1");
			}
			for (int i = 0; i < 40; i++) {
				queue.schedule("hot", "hot-" + i, null, Duration.ofMillis(700));
				expected.add("hot-" + i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> lateness.keySet().containsAll(expected));
			// woken by each partition's announcement, not found by the one-second poll (under 300 ms on a busy machine)
			assertThat(lateness.values()).allSatisfy((late) -> assertThat(late).isLessThan(300));
			if (shardedPubSub()) {
				assertThat(shardChannels()).as("shard channels subscribed").hasSizeGreaterThanOrEqualTo(3 + 8);
			}

			// the first topic's slot moves to another master: its subscription follows
			String moved = topics.get(0);
			int slot = RedisClusterProcess.slot("{" + moved + "}");
			Node source = cluster.masterOf(slot);
			Node target = cluster.masters().stream().filter((node) -> !node.equals(source)).findFirst().orElseThrow();
			RedisClusterProcess.SlotMigration migration = cluster.beginMigration(slot, target);
			migration.finish();
			if (shardedPubSub()) {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> shardChannels().contains(this.prefix + ":{" + moved + "}:wake@" + target.port()));
			}
			queue.schedule(moved, moved + "-2", null, Duration.ofMillis(700));
			await().atMost(Duration.ofSeconds(10)).until(() -> lateness.containsKey(moved + "-2"));
			assertThat(lateness.get(moved + "-2")).isLessThan(300);
		});
	}

	@Test
	void onAClusterTheFirstJobOfACallbackTopicNewToTheDispatcherIsOnTime() {
		try (CallbackReceiver receiver = new CallbackReceiver((call) -> Answer.of(200, ""))) {
			runner("spring.data.redis.cluster.nodes=" + cluster.seedNodes(), "delayqueue.http.timeout=2s")
				.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class,
						DelayQueueHttpAutoConfiguration.class))
				.run((context) -> {
					DelayQueue queue = context.getBean(DelayQueue.class);
					// a first round on a topic of each master connects to every node and loads the scripts there
					for (String topic : topics) {
						queue.schedule(JobRequest.builder("warm-" + topic, "w").delay(Duration.ZERO)
							.callback(JobCallback.post(receiver.url("/warm-" + topic))).build());
					}
					await().atMost(Duration.ofSeconds(10)).until(() -> receiver.calls().size() == topics.size());
					// topics the dispatcher has never seen, on every master: no poll interval (1 s) for their
					// first job, which the store announces on the classic channel the dispatcher listens to
					Map<String, Long> due = new ConcurrentHashMap<>();
					long at = System.currentTimeMillis() + 700;
					for (int i = 0; i < 6; i++) {
						String topic = "fresh-" + i;
						due.put("/" + topic, at + 100L * i);
						queue.schedule(JobRequest.builder(topic, "first").at(java.time.Instant.ofEpochMilli(at + 100L * i))
							.callback(JobCallback.post(receiver.url("/" + topic))).build());
					}
					await().atMost(Duration.ofSeconds(10))
						.until(() -> receiver.calls().stream().filter((call) -> due.containsKey(call.path())).count() == 6);
					for (CallbackReceiver.Call call : receiver.calls()) {
						if (due.containsKey(call.path())) {
							assertThat(call.at() - due.get(call.path())).as(call.path()).isLessThan(300);
						}
					}
				});
		}
	}

	@Test
	void behindSentinelsJobsAreDeliveredAcrossAFailoverWithEveryWriteOnAReplica() {
		try (RedisSentinelProcess sentinel = RedisSentinelProcess.start()) {
			runner("spring.data.redis.sentinel.master=" + sentinel.masterName(),
					"spring.data.redis.sentinel.nodes=" + sentinel.sentinels(), "delayqueue.redis.wait-for-replicas=1",
					"delayqueue.worker.poll-interval=500ms")
				.run((context) -> {
					DelayQueue queue = context.getBean(DelayQueue.class);
					queue.schedule(topics.get(1), "before", null, Duration.ofMillis(300));
					await().atMost(Duration.ofSeconds(10)).until(() -> lateness.containsKey("before"));
					RedisServerProcess oldMaster = sentinel.killMaster();
					sentinel.waitForFailover(Duration.ofSeconds(20));
					// the new master has no replica until the old one is back (as its replica): until then writes
					// are refused as not replicated
					oldMaster.restart();
					await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
						queue.schedule(topics.get(1), "after", null, Duration.ofMillis(300));
						return true;
					});
					await().atMost(Duration.ofSeconds(10)).until(() -> lateness.containsKey("after"));
				});
		}
	}

	/** Redis 7 has sharded pub/sub; the binary shipped for machines without redis-server is 6.2. */
	private static boolean shardedPubSub() {
		String info = (String) cluster.command(cluster.masters().get(0), "INFO", "server");
		return !info.contains("redis_version:6.");
	}

	private List<String> shardChannels() {
		List<String> channels = new ArrayList<>();
		for (Node master : cluster.masters()) {
			for (Object channel : (List<?>) cluster.command(master, "PUBSUB", "SHARDCHANNELS", this.prefix + ":*")) {
				channels.add(channel + "@" + master.port());
			}
		}
		return channels;
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		TopicJobs topicJobs() {
			return new TopicJobs();
		}

	}

	static class TopicJobs {

		@DelayedJobHandler(topic = "${t0}")
		void t0(DelayedJob job) {
			record(job);
		}

		@DelayedJobHandler(topic = "${t1}")
		void t1(DelayedJob job) {
			record(job);
		}

		@DelayedJobHandler(topic = "${t2}")
		void t2(DelayedJob job) {
			record(job);
		}

		@DelayedJobHandler(topic = "hot", concurrency = "4")
		void hot(DelayedJob job) {
			record(job);
		}

		private static void record(DelayedJob job) {
			lateness.put(job.id(), System.currentTimeMillis() - job.dueAt().toEpochMilli());
		}

	}

}
