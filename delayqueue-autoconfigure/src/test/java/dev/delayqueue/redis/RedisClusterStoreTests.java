package dev.delayqueue.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.DelayQueueNotReplicatedException;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobState;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TestRedis;
import dev.delayqueue.embedded.RedisClusterProcess;
import dev.delayqueue.embedded.RedisClusterProcess.Node;
import dev.delayqueue.store.ClaimResult;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.Outcome;
import dev.delayqueue.store.StoredJob;
import dev.delayqueue.store.TopicPartition;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The store on a real Redis Cluster of 3 masters and 3 replicas: every operation, partitions spread over the
 * masters, and a slot migrated key by key (job hashes first, as a resharding may) while the topic's jobs are
 * claimed, completed and scheduled: the topic pauses, nothing is lost, stranded or claimed twice.
 */
class RedisClusterStoreTests {

	private static final long LEASE = 60_000;

	private static RedisClusterProcess cluster;

	private static LettuceConnectionFactory connectionFactory;

	private StringRedisTemplate redis;

	private String prefix;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcess.start();
		connectionFactory = connectionFactory(cluster);
	}

	@AfterAll
	static void stopCluster() {
		connectionFactory.destroy();
		cluster.close();
	}

	static LettuceConnectionFactory connectionFactory(RedisClusterProcess cluster) {
		ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(Duration.ofSeconds(1))
			.enableAllAdaptiveRefreshTriggers()
			.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(refresh).build())
			.commandTimeout(Duration.ofSeconds(5))
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisClusterConfiguration(List.of(cluster.seedNodes().split(","))), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@BeforeEach
	void setUp() {
		this.redis = new StringRedisTemplate(connectionFactory);
		this.prefix = TestRedis.uniquePrefix();
	}

	@Test
	void everyOperationWorksAcrossTheMasters() {
		RedisJobStore store = new RedisJobStore(this.redis, new JobKeys(this.prefix), (topic) -> 8);
		List<StoredJob> jobs = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			jobs.add(new StoredJob("j" + i, 1_000, "{\"n\":" + i + "}", (i < 4) ? 1 : null));
		}
		assertThat(store.schedule("order", jobs, false, 1_000)).containsOnly(ScheduleResult.CREATED);
		Set<Integer> masterPorts = new HashSet<>();
		for (TopicPartition partition : store.partitions("order")) {
			String tag = (partition.partition() == 0) ? "order" : "order#" + partition.partition();
			masterPorts.add(cluster.masterOf(RedisClusterProcess.slot("{" + tag + "}")).port());
		}
		assertThat(masterPorts).as("masters holding the 8 partitions").hasSize(3);
		assertThat(store.stats("order").pending()).isEqualTo(64);
		await().atMost(Duration.ofSeconds(5)).until(() -> store.topics(Lane.LOCAL).contains("order"));
		List<ClaimedJob> claimed = new ArrayList<>();
		for (TopicPartition partition : store.partitions("order")) {
			ClaimResult result = store.claim(partition, Lane.LOCAL, 1_000, 100, LEASE, "w" + partition);
			claimed.addAll(result.jobs());
			assertThat(store.extend(partition, result.jobs().stream().map(ClaimedJob::lease).toList(), 90_000))
				.isEmpty();
		}
		assertThat(claimed).hasSize(64);
		for (ClaimedJob job : claimed) {
			int n = Integer.parseInt(job.job().id().substring(1));
			if (n < 4) {
				store.fail(job.partition(), Lane.LOCAL, List.of(Outcome.dead(job.lease(), true, "boom")), 2_000);
			}
			else if (n < 8) {
				store.fail(job.partition(), Lane.LOCAL, List.of(Outcome.retry(job.lease(), 5_000, true, "x")), 2_000);
			}
			else {
				assertThat(store.complete(job.partition(), List.of(job.lease()))).isEmpty();
			}
		}
		assertThat(store.stats("order").dead()).isEqualTo(4);
		assertThat(store.dead("order", 0, 10)).extracting(DelayedJob::id)
			.containsExactlyInAnyOrder("j0", "j1", "j2", "j3");
		assertThat(store.reschedule("order", "j5", 9_000, null, 2_000)).contains(JobState.PENDING);
		assertThat(store.get("order", "j5").orElseThrow().dueAt().toEpochMilli()).isEqualTo(9_000);
		assertThat(store.cancel("order", "j6")).contains(JobState.PENDING);
		assertThat(store.purge("order", List.of("j0", "j1", "j2", "j3"))).isEqualTo(4);
		assertThat(store.stats("order").pending()).isEqualTo(3);
		for (String id : List.of("j4", "j5", "j7")) {
			assertThat(store.cancel("order", id)).isPresent();
		}
		assertNoJobKeys();
	}

	@Test
	void aSlotMigratedKeyByKeyPausesItsTopicButLosesStrandsAndDoublesNothing() throws Exception {
		String topic = "migrating";
		RedisJobStore store = new RedisJobStore(this.redis, new JobKeys(this.prefix));
		TopicPartition partition = TopicPartition.first(topic);
		int slot = RedisClusterProcess.slot("{" + topic + "}");
		long now = System.currentTimeMillis();
		List<StoredJob> jobs = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			jobs.add(new StoredJob("m" + i, now - 1_000 + i * 10L, "{}", null));
		}
		store.schedule(topic, jobs, false, now);
		Set<String> scheduled = ConcurrentHashMap.newKeySet();
		jobs.forEach((job) -> scheduled.add(job.id()));
		Map<String, Integer> claims = new ConcurrentHashMap<>();
		AtomicInteger refused = new AtomicInteger();
		AtomicBoolean migrating = new AtomicBoolean(true);
		Thread worker = new Thread(() -> {
			int n = 0;
			List<ClaimedJob> held = new ArrayList<>();
			while (migrating.get() || !held.isEmpty()) {
				try {
					if (!held.isEmpty()) {
						store.complete(partition, held.stream().map(ClaimedJob::lease).toList());
						held.clear();
					}
					if (migrating.get()) {
						ClaimResult result = store.claim(partition, Lane.LOCAL, System.currentTimeMillis(), 7, LEASE,
								"w" + (++n));
						result.jobs().forEach((job) -> claims.merge(job.job().id(), 1, Integer::sum));
						held.addAll(result.jobs());
						String id = "new" + n;
						store.schedule(topic, List.of(new StoredJob(id, System.currentTimeMillis(), "{}", null)), false,
								System.currentTimeMillis());
						scheduled.add(id);
					}
				}
				catch (RuntimeException ex) {
					// TRYAGAIN (or ASK while keys move): the whole script was refused, nothing written
					refused.incrementAndGet();
				}
			}
		});
		worker.start();
		Thread.sleep(100);
		Node source = cluster.masterOf(slot);
		Node target = cluster.masters().stream().filter((node) -> !node.equals(source)).findFirst().orElseThrow();
		RedisClusterProcess.SlotMigration migration = cluster.beginMigration(slot, target);
		List<String> keys = new ArrayList<>(migration.keys());
		// job hashes first, the topic's sets last, as a resharding may move them
		keys.sort(Comparator.comparing((String key) -> key.contains(":job:") ? 0 : 1));
		for (String key : keys) {
			migration.move(key);
			Thread.sleep(2);
		}
		migration.finish();
		migrating.set(false);
		worker.join(30_000);
		assertThat(refused.get()).as("calls refused while the slot moved").isPositive();
		// drain what is left after the migration
		ClaimResult rest;
		do {
			rest = store.claim(partition, Lane.LOCAL, System.currentTimeMillis() + 60_000, 100, LEASE, "drain");
			rest.jobs().forEach((job) -> claims.merge(job.job().id(), 1, Integer::sum));
			store.complete(partition, rest.jobs().stream().map(ClaimedJob::lease).toList());
		}
		while (!rest.jobs().isEmpty());
		assertThat(claims.keySet()).as("delivered").containsExactlyInAnyOrderElementsOf(scheduled);
		assertThat(claims.values()).as("claims per job").containsOnly(1);
		assertNoJobKeys();
	}

	@Test
	void withWaitForReplicasAWriteReturnsOnceItsReplicaHasItAndFailsClearlyWhenItDoesNot() {
		String topic = "replicated";
		RedisJobStore store = new RedisJobStore(this.redis, new JobKeys(this.prefix), (t) -> 1, 1,
				Duration.ofMillis(300), Duration.ofSeconds(5));
		Node master = cluster.masterOf(RedisClusterProcess.slot("{" + topic + "}"));
		// scripts not cached on the node: sent whole, then waited for again
		cluster.command(master, "SCRIPT", "FLUSH");
		assertThat(store.schedule(topic, List.of(new StoredJob("a", 1_000, "{}", null)), false, 1_000))
			.containsExactly(ScheduleResult.CREATED);
		Node replica = replicaOf(master);
		replica.server().pause();
		try {
			long started = System.nanoTime();
			assertThatExceptionOfType(DelayQueueNotReplicatedException.class)
				.isThrownBy(() -> store.schedule(topic, List.of(new StoredJob("b", 1_000, "{}", null)), false, 1_000))
				.withMessageContaining("0 of the 1 replicas")
				.satisfies((ex) -> assertThat(ex.acknowledged()).isZero());
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
			// written on the master all the same: the outcome was unknown, not a failure
			assertThat(store.get(topic, "b")).isPresent();
			assertThatExceptionOfType(DelayQueueNotReplicatedException.class)
				.isThrownBy(() -> store.cancel(topic, "a"));
		}
		finally {
			replica.server().resume();
		}
		assertThat(store.cancel(topic, "b")).contains(JobState.PENDING);
		assertNoJobKeys();
	}

	private static Node replicaOf(Node master) {
		String info = (String) cluster.command(master, "INFO", "replication");
		for (Node node : cluster.nodes()) {
			if (!node.equals(master) && info.contains("port=" + node.port() + ",")) {
				return node;
			}
		}
		throw new IllegalStateException("No replica of " + master + " in " + info);
	}

	private void assertNoJobKeys() {
		for (Node master : cluster.masters()) {
			assertThat((List<?>) cluster.command(master, "KEYS", this.prefix + ":{*")).as("keys on " + master)
				.isEmpty();
		}
	}

}
