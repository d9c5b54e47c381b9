package dev.delayqueue.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.TestRedis;
import dev.delayqueue.store.InstanceInfo;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry of running instances: records that expire unless renewed, listed through an index that cleans
 * itself, on keys no topic can reach.
 */
class InstanceRecordsTests {

	private LettuceConnectionFactory connectionFactory;

	private StringRedisTemplate redis;

	private RedisJobStore store;

	private String prefix;

	@BeforeEach
	void setUp() {
		this.connectionFactory = TestRedis.connectionFactory();
		this.redis = new StringRedisTemplate(this.connectionFactory);
		this.prefix = TestRedis.uniquePrefix();
		this.store = new RedisJobStore(this.redis, new JobKeys(this.prefix));
	}

	@AfterEach
	void tearDown() {
		this.connectionFactory.destroy();
	}

	private static InstanceInfo instance(String id, Set<String> topics, boolean callbacks) {
		Instant now = Instant.now();
		return new InstanceInfo(id, "host-" + id, 4242, topics, callbacks, now.minusSeconds(60), now);
	}

	@Test
	void instancesAreListedWithWhatTheyServeUntilTheyLeave() {
		InstanceInfo a = instance("a", Set.of("order", "invoice"), false);
		InstanceInfo b = instance("b", Set.of(), true);
		this.store.heartbeat(a, Duration.ofSeconds(30));
		this.store.heartbeat(b, Duration.ofSeconds(30));
		assertThat(this.store.instances()).extracting(InstanceInfo::id).containsExactly("a", "b");
		InstanceInfo read = this.store.instances().get(0);
		assertThat(read.host()).isEqualTo("host-a");
		assertThat(read.pid()).isEqualTo(4242);
		assertThat(read.topics()).containsExactlyInAnyOrder("order", "invoice");
		assertThat(read.callbacks()).isFalse();
		assertThat(read.startedAt().toEpochMilli()).isEqualTo(a.startedAt().toEpochMilli());
		assertThat(this.store.instances().get(1).callbacks()).isTrue();
		this.store.leave("a");
		assertThat(this.store.instances()).extracting(InstanceInfo::id).containsExactly("b");
	}

	@Test
	void aRecordNotRenewedExpires() {
		this.store.heartbeat(instance("gone", Set.of("order"), false), Duration.ofSeconds(2));
		assertThat(this.store.instances()).hasSize(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.instances().isEmpty());
		assertThat(this.redis.getExpire(this.prefix + ":{#instances}")).as("the index expires too").isPositive();
	}

}
