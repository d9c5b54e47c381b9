package dev.delayqueue.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.JobRequest;
import dev.delayqueue.TestRedis;
import dev.delayqueue.event.DelayQueueListeners;
import dev.delayqueue.store.DefaultDelayQueue;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * A host clock 30 s ahead or behind, corrected to Redis's time by a real Redis server's {@code TIME}.
 */
class RedisTimeClockTests {

	private LettuceConnectionFactory connectionFactory;

	private StringRedisTemplate redis;

	@BeforeEach
	void setUp() {
		this.connectionFactory = TestRedis.connectionFactory();
		this.redis = new StringRedisTemplate(this.connectionFactory);
	}

	@AfterEach
	void tearDown() {
		this.connectionFactory.destroy();
	}

	@Test
	void aClock30SecondsAheadOrBehindReadsRedisTimeAfterASync() {
		for (Duration skew : List.of(Duration.ofSeconds(30), Duration.ofSeconds(-30))) {
			RedisTimeClock clock = new RedisTimeClock(Clock.offset(Clock.systemUTC(), skew), this.redis,
					new JobKeys(TestRedis.uniquePrefix()));
			assertThat(clock.synced()).isFalse();
			assertThat(clock.millis() - redisMillis()).as("before the first sync").isCloseTo(skew.toMillis(),
					within(1_000L));
			long offset = clock.sync();
			assertThat(clock.synced()).isTrue();
			assertThat(offset).isCloseTo(-skew.toMillis(), within(50L));
			assertThat(clock.uncertaintyMillis()).isBetween(1L, 50L);
			// Redis and this JVM share a host: after the sync the two read the same time, to the round trip
			assertThat(clock.millis() - redisMillis()).isBetween(-50L, 50L);
			assertThat(clock.withZone(ZoneId.of("Europe/Paris")).millis() - redisMillis()).isBetween(-50L, 50L);
		}
	}

	@Test
	void afterASyncTheInstantCountsWithinTheMillisecondAndAgreesWithMillis() {
		RedisTimeClock clock = new RedisTimeClock(Clock.systemUTC(), this.redis, new JobKeys(TestRedis.uniquePrefix()));
		clock.sync();
		boolean subMillisecond = false;
		for (int i = 0; i < 1_000 && !subMillisecond; i++) {
			long before = clock.millis();
			java.time.Instant instant = clock.instant();
			long after = clock.millis();
			assertThat(instant.toEpochMilli()).isBetween(before, after);
			subMillisecond = instant.getNano() % 1_000_000 != 0;
		}
		// a worker sleeps until a due time from it: whole milliseconds would wake it up to one late
		assertThat(subMillisecond).as("an instant between two milliseconds").isTrue();
	}

	@Test
	void aRelativeDelayIsMeasuredFromRedisTimeOnAHostWhoseClockIs30SecondsAhead() {
		String prefix = TestRedis.uniquePrefix();
		RedisTimeClock clock = new RedisTimeClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(30)), this.redis,
				new JobKeys(prefix));
		clock.sync();
		DefaultDelayQueue queue = new DefaultDelayQueue(new RedisJobStore(this.redis, new JobKeys(prefix)),
				new JsonMapper(), new DelayQueueListeners(List.of()), clock, DefaultDelayQueue.DEFAULT_MAX_BODY_BYTES, 100,
				CallbackValidator.ACCEPT_ALL);
		long before = redisMillis();
		queue.schedule(JobRequest.builder("t", "a").delay(Duration.ofSeconds(10)).build());
		long after = redisMillis();
		long due = queue.get("t", "a").orElseThrow().dueAt().toEpochMilli();
		assertThat(due).isBetween(before + 10_000 - 50, after + 10_000 + 50);
	}

	@Test
	void aStepOfTheHostsClockAfterASyncChangesNothing() {
		SteppedClock host = new SteppedClock();
		RedisTimeClock clock = new RedisTimeClock(host, this.redis, new JobKeys(TestRedis.uniquePrefix()));
		clock.sync();
		assertThat(clock.millis() - redisMillis()).isBetween(-50L, 50L);
		// NTP steps the host 30 s forward, then 60 s back: Redis's time as the clock reads it does not move
		host.step(Duration.ofSeconds(30));
		assertThat(clock.millis() - redisMillis()).isBetween(-50L, 50L);
		host.step(Duration.ofSeconds(-60));
		assertThat(clock.millis() - redisMillis()).isBetween(-50L, 50L);
		assertThat(clock.offsetMillis()).as("the offset to the stepped host clock").isCloseTo(30_000L, within(50L));
	}

	@Test
	void aSyncWithinItsUncertaintyKeepsTheOffsetSoTimeDoesNotWobble() {
		RedisTimeClock clock = new RedisTimeClock(Clock.systemUTC(), this.redis, new JobKeys(TestRedis.uniquePrefix()));
		long first = clock.sync();
		long again = clock.sync();
		assertThat(Math.abs(again - first)).isLessThanOrEqualTo(clock.uncertaintyMillis() + 2);
	}

	@Test
	void whenRedisCannotBeReadTheOffsetIsKept() {
		RedisTimeClock clock = new RedisTimeClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(30)), this.redis,
				new JobKeys(TestRedis.uniquePrefix()));
		long offset = clock.sync();
		LettuceConnectionFactory nowhere = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(500)).build());
		nowhere.afterPropertiesSet();
		nowhere.start();
		try {
			RedisTimeClock unreachable = new RedisTimeClock(Clock.systemUTC(), new StringRedisTemplate(nowhere),
					new JobKeys(TestRedis.uniquePrefix()));
			assertThatExceptionOfType(DataAccessException.class).isThrownBy(unreachable::sync);
			assertThat(unreachable.synced()).isFalse();
			assertThat(unreachable.offsetMillis()).isZero();
		}
		finally {
			nowhere.destroy();
		}
		assertThat(clock.offsetMillis()).isCloseTo(offset, within(5L));
	}

	private long redisMillis() {
		List<?> time = this.redis.execute((RedisCallback<List<?>>) (connection) -> List.of(
				connection.serverCommands().time()));
		return (Long) time.get(0);
	}

	/** A host clock that NTP steps. */
	static final class SteppedClock extends Clock {

		private volatile Duration step = Duration.ZERO;

		void step(Duration by) {
			this.step = this.step.plus(by);
		}

		@Override
		public ZoneId getZone() {
			return ZoneId.of("UTC");
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.now().plus(this.step);
		}

	}

}
