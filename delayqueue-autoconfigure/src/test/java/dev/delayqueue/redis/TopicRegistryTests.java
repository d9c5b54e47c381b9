package dev.delayqueue.redis;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.TestRedis;
import dev.delayqueue.store.Lane;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topic registry heals: a registration lost (a failover, a flush) is written again by the next scheduling
 * after the rewrite interval, not hidden for good by what the instance remembers.
 */
class TopicRegistryTests {

	private LettuceConnectionFactory connectionFactory;

	private StringRedisTemplate redis;

	private JobKeys keys;

	@BeforeEach
	void setUp() {
		this.connectionFactory = TestRedis.connectionFactory();
		this.redis = new StringRedisTemplate(this.connectionFactory);
		this.keys = new JobKeys(TestRedis.uniquePrefix());
	}

	@AfterEach
	void tearDown() {
		this.connectionFactory.destroy();
	}

	@Test
	void aLostRegistrationIsWrittenAgainByTheNextSchedulingAfterTheInterval() throws InterruptedException {
		TopicRegistry registry = new TopicRegistry(this.redis, this.keys, Runnable::run, TimeUnit.SECONDS.toNanos(2));
		registry.register("order", true);
		assertThat(registry.topics(Lane.LOCAL)).containsExactly("order");
		assertThat(registry.topics(Lane.HTTP)).containsExactly("order");
		this.redis.delete(this.keys.topics(Lane.LOCAL));
		this.redis.delete(this.keys.topics(Lane.HTTP));
		// within the interval this instance does not write again
		registry.register("order", true);
		assertThat(registry.topics(Lane.LOCAL)).isEmpty();
		Thread.sleep(2_100);
		registry.register("order", true);
		assertThat(registry.topics(Lane.LOCAL)).containsExactly("order");
		assertThat(registry.topics(Lane.HTTP)).containsExactly("order");
	}

}
