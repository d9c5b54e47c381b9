package dev.delayqueue.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobState;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.SuccessContract;
import dev.delayqueue.TestRedis;
import dev.delayqueue.store.ClaimResult;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.Lease;
import dev.delayqueue.store.Outcome;
import dev.delayqueue.store.StoredJob;
import dev.delayqueue.store.TopicPartition;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scripts against a real Redis, one crash point at a time: a worker may die between any two of them.
 */
class RedisJobStoreTests {

	private static final long LEASE = 10_000;

	private static final TopicPartition ORDER = TopicPartition.first("order");

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

	private ScheduleResult schedule(String id, long due, String body) {
		return this.store.schedule("order", List.of(new StoredJob(id, due, body, null)), false, 1_000).get(0);
	}

	@Test
	void singleJobsScheduledFromManyThreadsAreEachWrittenOnceWithTheirOwnResult() throws Exception {
		int threads = 8;
		int perThread = 500;
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
		try {
			List<java.util.concurrent.Future<List<ScheduleResult>>> futures = new java.util.ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					List<ScheduleResult> results = new java.util.ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						// every id twice, by two threads at about the same time: one creates it, the other replaces it
						String id = "g" + (thread / 2) + "-" + i;
						results.add(this.store.schedule("order", List.of(new StoredJob(id, 5_000 + i, "{}", null)), false,
								1_000).get(0));
					}
					return results;
				}));
			}
			List<ScheduleResult> all = new java.util.ArrayList<>();
			for (java.util.concurrent.Future<List<ScheduleResult>> future : futures) {
				all.addAll(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
			}
			assertThat(all).filteredOn(ScheduleResult.CREATED::equals).hasSize(threads / 2 * perThread);
			assertThat(all).filteredOn(ScheduleResult.REPLACED_PENDING::equals).hasSize(threads / 2 * perThread);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.redis.opsForZSet().size(new JobKeys(this.prefix).due(ORDER, Lane.LOCAL))).isEqualTo(threads / 2 * perThread);
		// 'nx' goes in calls of its own
		assertThat(this.store.schedule("order", List.of(new StoredJob("g0-0", 9_000, "{}", null)), true, 1_000))
			.containsExactly(ScheduleResult.ALREADY_EXISTS);
	}

	@Test
	void claimTakesOnlyDueJobsInDueOrderUpToTheLimit() {
		schedule("late", 3_000, "{}");
		schedule("b", 2_000, "{}");
		schedule("a", 1_500, "{}");
		ClaimResult first = this.store.claim(ORDER, Lane.LOCAL, 2_500, 1, LEASE, "w-1");
		assertThat(first.jobs()).extracting((c) -> c.job().id()).containsExactly("a");
		assertThat(first.nextDue()).hasValue(2_000);
		ClaimResult second = this.store.claim(ORDER, Lane.LOCAL, 2_500, 10, LEASE, "w-2");
		assertThat(second.jobs()).extracting((c) -> c.job().id()).containsExactly("b");
		assertThat(second.nextDue()).hasValue(3_000);
		assertThat(second.nextLeaseEnd()).hasValue(2_500 + LEASE);
		ClaimedJob claimed = second.jobs().get(0);
		assertThat(claimed.job().state()).isEqualTo(JobState.IN_FLIGHT);
		assertThat(claimed.job().attempts()).isEqualTo(1);
		assertThat(claimed.leaseEnd()).isEqualTo(2_500 + LEASE);
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 2_500, 10, LEASE, "w-3").jobs()).isEmpty();
	}

	@Test
	void aRateLimitLetsThroughItsBurstThenOneJobPerTokenAndSaysWhenTheNextComes() {
		for (int i = 0; i < 20; i++) {
			schedule("r" + i, 1_000, "{}");
		}
		// 10 a second, 2 at once: the bucket starts full
		ClaimResult first = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w-1", 10, 2);
		assertThat(first.jobs()).hasSize(2);
		assertThat(first.rateLimitedUntil()).hasValue(1_100);
		ClaimResult early = this.store.claim(ORDER, Lane.LOCAL, 1_050, 10, LEASE, "w-2", 10, 2);
		assertThat(early.jobs()).as("half a token").isEmpty();
		assertThat(early.rateLimitedUntil()).hasValue(1_100);
		assertThat(early.nextDue()).as("the look-ahead is kept while limited").hasValue(1_000);
		ClaimResult onTime = this.store.claim(ORDER, Lane.LOCAL, 1_100, 10, LEASE, "w-3", 10, 2);
		assertThat(onTime.jobs()).hasSize(1);
		// a long pause refills no more than the burst
		ClaimResult afterPause = this.store.claim(ORDER, Lane.LOCAL, 5_000, 10, LEASE, "w-4", 10, 2);
		assertThat(afterPause.jobs()).hasSize(2);
		// the same bucket for another caller (another instance): shared
		ClaimResult other = new RedisJobStore(this.redis, new JobKeys(this.prefix)).claim(ORDER, Lane.LOCAL, 5_000, 10,
				LEASE, "w-5", 10, 2);
		assertThat(other.jobs()).isEmpty();
		assertThat(other.rateLimitedUntil()).hasValue(5_100);
		// 20 s later, claims at 100 ms steps take exactly one each: 10 a second
		int taken = 0;
		for (long now = 5_100; now < 6_100; now += 100) {
			taken += this.store.claim(ORDER, Lane.LOCAL, now, 10, LEASE, "w-6-" + now, 10, 2).jobs().size();
		}
		assertThat(taken).isEqualTo(10);
		assertThat(this.redis.getExpire(new JobKeys(this.prefix).rate(ORDER))).as("the bucket expires").isPositive();
	}

	@Test
	void withoutARateLimitNoBucketIsWritten() {
		schedule("a", 1_000, "{}");
		ClaimResult result = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w", 0, 1);
		assertThat(result.jobs()).hasSize(1);
		assertThat(result.rateLimitedUntil()).isEmpty();
		assertThat(this.redis.hasKey(new JobKeys(this.prefix).rate(ORDER))).isFalse();
	}

	@Test
	void workerDiedAfterClaim_leaseExpiryMakesTheJobDueAgainWithTheAttemptCounted() {
		schedule("a", 1_000, "{\"n\":1}");
		ClaimedJob first = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "dead-worker").jobs().get(0);
		// the worker dies here: no complete, no fail
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 1_000 + LEASE - 1, 10, LEASE, "w").jobs()).isEmpty();
		ClaimResult later = this.store.claim(ORDER, Lane.LOCAL, 1_000 + LEASE, 10, LEASE, "w");
		assertThat(later.expired()).containsExactly("a");
		ClaimedJob second = later.jobs().get(0);
		assertThat(second.job().attempts()).isEqualTo(2);
		assertThat(second.job().body()).isEqualTo("{\"n\":1}");
		assertThat(second.token()).isNotEqualTo(first.token());
		assertThat(this.store.complete(ORDER, List.of(new Lease("a", first.token())))).containsExactly("a");
		assertThat(this.store.get("order", "a")).isPresent();
		assertThat(this.store.complete(ORDER, List.of(new Lease("a", second.token())))).isEmpty();
		assertThat(this.store.get("order", "a")).isEmpty();
		assertNoKeysLeft();
	}

	@Test
	void aClaimedJobIsReturnedAsItIsNowStoredOnItsFirstAndOnALaterAttempt() {
		// claim.lua reads each job once and patches that reply with what it wrote, instead of reading it again
		schedule("a", 1_000, "{\"n\":1}");
		this.store.schedule("order", List.of(new StoredJob("cb", 1_000, "{}", 3,
				JobCallback.post("http://receiver.test/hook"), null)), false, 1_000);
		ClaimedJob first = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w").jobs().get(0);
		assertThat(first.job()).isEqualTo(this.store.get("order", "a").orElseThrow());
		assertThat(first.job().attempts()).isOne();
		assertThat(first.job().state()).isEqualTo(JobState.IN_FLIGHT);
		this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.retry(new Lease("a", first.token()), 2_000, true, "boom")),
				1_500);
		ClaimedJob second = this.store.claim(ORDER, Lane.LOCAL, 2_000, 10, LEASE, "w").jobs().get(0);
		assertThat(second.job()).isEqualTo(this.store.get("order", "a").orElseThrow());
		assertThat(second.job().attempts()).isEqualTo(2);
		assertThat(second.job().lastError()).isEqualTo("boom");
		ClaimedJob callback = this.store.claim(ORDER, Lane.HTTP, 2_000, 10, LEASE, "h").jobs().get(0);
		assertThat(callback.job()).isEqualTo(this.store.get("order", "cb").orElseThrow());
		assertThat(this.redis.opsForHash().get(this.prefix + ":{order}:job:a", "lease"))
			.isEqualTo(Long.toString(2_000 + LEASE));
		// a lease that ran out leaves the old token and drops the lease: the next claim overwrites the one, adds the other
		// (cb's lease ran out too: back in the HTTP lane, pending, its token kept)
		ClaimResult afterExpiry = this.store.claim(ORDER, Lane.LOCAL, 2_000 + LEASE, 10, LEASE, "w2");
		assertThat(afterExpiry.expired()).containsExactlyInAnyOrder("a", "cb");
		ClaimedJob third = afterExpiry.jobs().get(0);
		assertThat(third.job()).isEqualTo(this.store.get("order", "a").orElseThrow());
		assertThat(third.job().attempts()).isEqualTo(3);
		assertThat(third.token()).isNotEqualTo(second.token());
		assertThat(this.store.complete(ORDER, List.of(new Lease("a", second.token())))).containsExactly("a");
		// a late success of cb's attempt still completes it, out of the due set it waits in again
		assertThat(this.store.complete(ORDER, List.of(new Lease("a", third.token()),
				new Lease("cb", callback.token())))).isEmpty();
		assertNoKeysLeft();
	}

	@Test
	void failSchedulesTheNextAttemptOrKillsTheJob() {
		schedule("a", 1_000, "{}");
		ClaimedJob claimed = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w").jobs().get(0);
		assertThat(this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.retry(new Lease("a", claimed.token()), 5_000, true, "boom")), 1_100))
			.isEmpty();
		DelayedJob pending = this.store.get("order", "a").orElseThrow();
		assertThat(pending.state()).isEqualTo(JobState.PENDING);
		assertThat(pending.dueAt().toEpochMilli()).isEqualTo(5_000);
		assertThat(pending.attempts()).isEqualTo(1);
		assertThat(pending.lastError()).isEqualTo("boom");
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 4_999, 10, LEASE, "w").jobs()).isEmpty();
		ClaimedJob again = this.store.claim(ORDER, Lane.LOCAL, 5_000, 10, LEASE, "w2").jobs().get(0);
		assertThat(again.job().attempts()).isEqualTo(2);
		this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.dead(new Lease("a", again.token()), true, "boom 2")), 5_100);
		DelayedJob dead = this.store.get("order", "a").orElseThrow();
		assertThat(dead.state()).isEqualTo(JobState.DEAD);
		assertThat(dead.lastError()).isEqualTo("boom 2");
		assertThat(this.store.dead("order", 0, 10)).extracting(DelayedJob::id).containsExactly("a");
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 99_999, 10, LEASE, "w3").jobs()).isEmpty();
		assertThat(this.store.stats("order")).satisfies((s) -> {
			assertThat(s.pending()).isZero();
			assertThat(s.inFlight()).isZero();
			assertThat(s.dead()).isOne();
		});
	}

	@Test
	void releaseRefundsTheAttempt() {
		schedule("a", 1_000, "{}");
		ClaimedJob claimed = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w").jobs().get(0);
		this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.release(new Lease("a", claimed.token()), 1_000)), 1_001);
		DelayedJob job = this.store.get("order", "a").orElseThrow();
		assertThat(job.attempts()).isZero();
		assertThat(job.lastError()).isNull();
		assertThat(job.state()).isEqualTo(JobState.PENDING);
	}

	@Test
	void replacingAPendingJobChangesDueTimeAndBodyAndResetsAttempts() {
		schedule("a", 1_000, "{\"v\":1}");
		ClaimedJob claimed = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w").jobs().get(0);
		this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.retry(new Lease("a", claimed.token()), 2_000, true, "x")), 1_000);
		assertThat(schedule("a", 9_000, "{\"v\":2}")).isEqualTo(ScheduleResult.REPLACED_PENDING);
		DelayedJob job = this.store.get("order", "a").orElseThrow();
		assertThat(job.body()).isEqualTo("{\"v\":2}");
		assertThat(job.dueAt().toEpochMilli()).isEqualTo(9_000);
		assertThat(job.attempts()).isZero();
		assertThat(job.lastError()).isNull();
		assertThat(this.redis.opsForZSet().size(this.prefix + ":{order}:due")).isOne();
	}

	@Test
	void replacingAnInFlightJobWinsOverTheRunningDelivery() {
		schedule("a", 1_000, "{\"v\":1}");
		ClaimedJob running = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w").jobs().get(0);
		assertThat(schedule("a", 9_000, "{\"v\":2}")).isEqualTo(ScheduleResult.REPLACED_IN_FLIGHT);
		// the running delivery succeeds (or fails) afterwards: its outcome must not touch the new version
		assertThat(this.store.complete(ORDER, List.of(new Lease("a", running.token())))).containsExactly("a");
		assertThat(this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.dead(new Lease("a", running.token()), true, "x")),
				1_000))
			.containsExactly("a");
		assertThat(this.store.extend(ORDER, List.of(new Lease("a", running.token())), 99_999)).containsExactly("a");
		DelayedJob job = this.store.get("order", "a").orElseThrow();
		assertThat(job.state()).isEqualTo(JobState.PENDING);
		assertThat(job.body()).isEqualTo("{\"v\":2}");
		assertThat(this.redis.opsForZSet().size(this.prefix + ":{order}:inflight")).isZero();
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 9_000, 10, LEASE, "w").jobs()).hasSize(1);
	}

	@Test
	void ifAbsentLeavesAnExistingJobAlone() {
		schedule("a", 1_000, "{\"v\":1}");
		assertThat(this.store.schedule("order", List.of(new StoredJob("a", 5_000, "{\"v\":2}", 3)), true, 1_000))
			.containsExactly(ScheduleResult.ALREADY_EXISTS);
		assertThat(this.store.get("order", "a").orElseThrow().body()).isEqualTo("{\"v\":1}");
	}

	@Test
	void cancelRemovesTheJobInAnyStateAndTheRunningDeliveryCannotResurrectIt() {
		schedule("p", 1_000, "{}");
		schedule("f", 1_000, "{}");
		schedule("d", 2_000, "{}");
		ClaimedJob f = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w").jobs().stream()
			.filter((c) -> c.job().id().equals("f")).findFirst().orElseThrow();
		ClaimedJob d = this.store.claim(ORDER, Lane.LOCAL, 2_000, 10, LEASE, "w2").jobs().get(0);
		this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.dead(new Lease("d", d.token()), true, "x")), 2_000);
		// "p" was claimed too in the first call; put it back as pending
		ClaimResult none = this.store.claim(ORDER, Lane.LOCAL, 2_000, 10, LEASE, "w3");
		assertThat(none.jobs()).isEmpty();
		assertThat(this.store.cancel("order", "f")).contains(JobState.IN_FLIGHT);
		assertThat(this.store.cancel("order", "d")).contains(JobState.DEAD);
		assertThat(this.store.cancel("order", "p")).contains(JobState.IN_FLIGHT);
		assertThat(this.store.cancel("order", "p")).isEmpty();
		assertThat(this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.retry(new Lease("f", f.token()), 5_000, true, "x")), 2_000))
			.containsExactly("f");
		assertThat(this.store.get("order", "f")).isEmpty();
		assertNoKeysLeft();
	}

	@Test
	void rescheduleKeepsTheBodyAndRedriveRevivesOnlyDeadJobs() {
		schedule("a", 1_000, "{\"keep\":true}");
		assertThat(this.store.reschedule("order", "a", 7_000, null, 1_000)).contains(JobState.PENDING);
		DelayedJob moved = this.store.get("order", "a").orElseThrow();
		assertThat(moved.dueAt().toEpochMilli()).isEqualTo(7_000);
		assertThat(moved.body()).isEqualTo("{\"keep\":true}");
		assertThat(this.store.reschedule("order", "a", 1_000, JobState.DEAD, 1_000)).isEmpty();
		assertThat(this.store.reschedule("order", "missing", 1_000, null, 1_000)).isEmpty();
		ClaimedJob claimed = this.store.claim(ORDER, Lane.LOCAL, 7_000, 10, LEASE, "w").jobs().get(0);
		this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.dead(new Lease("a", claimed.token()), true, "x")), 7_000);
		assertThat(this.store.reschedule("order", "a", 8_000, JobState.DEAD, 8_000)).contains(JobState.DEAD);
		DelayedJob redriven = this.store.get("order", "a").orElseThrow();
		assertThat(redriven.state()).isEqualTo(JobState.PENDING);
		assertThat(redriven.attempts()).isZero();
		assertThat(this.store.dead("order", 0, 10)).isEmpty();
	}

	@Test
	void heartbeatKeepsTheLeaseAlive() {
		schedule("a", 1_000, "{}");
		ClaimedJob claimed = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w").jobs().get(0);
		assertThat(this.store.extend(ORDER, List.of(new Lease("a", claimed.token())), 1_000 + 3 * LEASE)).isEmpty();
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 1_000 + 2 * LEASE, 10, LEASE, "other").expired()).isEmpty();
	}

	@Test
	void anOutcomeSentTwiceIsAppliedOnce() {
		schedule("a", 1_000, "{}");
		ClaimedJob claimed = this.store.claim(ORDER, Lane.LOCAL, 1_000, 1, LEASE, "w").jobs().get(0);
		List<Outcome> release = List.of(Outcome.release(claimed.lease(), 1_000));
		assertThat(this.store.fail(ORDER, Lane.LOCAL, release, 1_100)).isEmpty();
		// the reply was lost and the recorder sends the batch again: the attempt must not be refunded twice
		assertThat(this.store.fail(ORDER, Lane.LOCAL, release, 1_200)).containsExactly("a");
		assertThat(this.store.get("order", "a").orElseThrow().attempts()).isZero();
	}

	@Test
	void aLateSuccessOfAJobAlreadyDeadChangesNothing() {
		schedule("a", 1_000, "{}");
		ClaimedJob claimed = this.store.claim(ORDER, Lane.LOCAL, 1_000, 1, LEASE, "w").jobs().get(0);
		this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.dead(claimed.lease(), true, "x")), 1_100);
		assertThat(this.store.complete(ORDER, List.of(claimed.lease()))).containsExactly("a");
		assertThat(this.store.get("order", "a").orElseThrow().state()).isEqualTo(JobState.DEAD);
		assertThat(this.store.stats("order").dead()).isOne();
	}

	@Test
	void purgeDeletesOnlyDeadJobs() {
		schedule("alive", 1_000, "{}");
		schedule("dead", 500, "{}");
		ClaimedJob claimed = this.store.claim(ORDER, Lane.LOCAL, 500, 10, LEASE, "w").jobs().get(0);
		this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.dead(new Lease("dead", claimed.token()), true, "x")), 500);
		assertThat(this.store.purge("order", List.of("alive", "dead", "missing"))).isOne();
		assertThat(this.store.get("order", "alive")).isPresent();
		assertThat(this.store.get("order", "dead")).isEmpty();
	}

	@Test
	void keysStayInsideThePrefixShareTheTopicHashTagAndNeverExpire() {
		schedule("a {weird} id:with:colons", 1_000, "{}");
		this.store.schedule("other.topic", List.of(new StoredJob("x", 1_000, null, null)), false, 1_000);
		this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w");
		Set<String> keys = this.redis.keys(this.prefix + "*");
		assertThat(keys).containsExactlyInAnyOrder(this.prefix + ":topics", this.prefix + ":{order}:inflight",
				this.prefix + ":{order}:job:a {weird} id:with:colons", this.prefix + ":{other.topic}:due",
				this.prefix + ":{other.topic}:job:x");
		for (String key : keys) {
			assertThat(this.redis.getExpire(key)).as("TTL of " + key).isEqualTo(-1L);
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.store.topics(Lane.LOCAL).equals(Set.of("order", "other.topic")));
	}

	@Test
	void aBatchIsOneAtomicScriptAndAnnouncesOnlyANewEarliestDueTime() {
		List<StoredJob> jobs = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			jobs.add(new StoredJob("j" + i, 5_000 + i, "{\"i\":" + i + "}", null));
		}
		assertThat(this.store.schedule("order", jobs, false, 1_000)).hasSize(1_000)
			.containsOnly(ScheduleResult.CREATED);
		assertThat(this.store.stats("order").pending()).isEqualTo(1_000);
		ClaimResult claim = this.store.claim(ORDER, Lane.LOCAL, 10_000, 100, LEASE, "w");
		assertThat(claim.jobs()).hasSize(100);
		assertThat(claim.jobs().get(0).job().id()).isEqualTo("j0");
		assertThat(claim.nextDue()).hasValue(5_100);
	}

	@Test
	void callbackJobsWaitInTheirOwnLaneAndKeepTheirCallbackAndBackoff() {
		JobCallback callback = new JobCallback(URI.create("http://receiver.test:8080/hook?x=1"), "PUT",
				Map.of("Authorization", "Bearer t", "X-Trace", "a: b"), SuccessContract.BODY_OK);
		Backoff backoff = new Backoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5));
		this.store.schedule("order", List.of(new StoredJob("cb", 1_000, "{}", 4, callback, backoff)), false, 1_000);
		schedule("local", 1_000, "{}");
		ClaimResult local = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w");
		assertThat(local.jobs()).extracting((c) -> c.job().id()).containsExactly("local");
		ClaimResult http = this.store.claim(ORDER, Lane.HTTP, 1_000, 10, LEASE, "h");
		assertThat(http.jobs()).hasSize(1);
		DelayedJob job = http.jobs().get(0).job();
		assertThat(job.id()).isEqualTo("cb");
		assertThat(job.callback()).isEqualTo(callback);
		assertThat(job.backoff()).isEqualTo(backoff);
		assertThat(job.maxAttempts()).isEqualTo(4);
		assertThat(this.store.stats("order").inFlight()).isEqualTo(2);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.topics(Lane.HTTP).equals(Set.of("order")));
	}

	@Test
	void anExpiredLeaseReturnsTheJobToItsOwnLaneWhoeverRecoversIt() {
		JobCallback callback = JobCallback.post("http://receiver.test/hook");
		this.store.schedule("order", List.of(new StoredJob("cb", 1_000, "{}", null, callback, null)), false, 1_000);
		ClaimedJob first = this.store.claim(ORDER, Lane.HTTP, 1_000, 10, LEASE, "dies").jobs().get(0);
		ClaimResult byLocal = this.store.claim(ORDER, Lane.LOCAL, 1_000 + LEASE, 10, LEASE, "w");
		assertThat(byLocal.expired()).containsExactly("cb");
		assertThat(byLocal.jobs()).isEmpty();
		ClaimedJob again = this.store.claim(ORDER, Lane.HTTP, 1_000 + LEASE, 10, LEASE, "h").jobs().get(0);
		assertThat(again.job().attempts()).isEqualTo(2);
		assertThat(again.token()).isNotEqualTo(first.token());
		this.store.fail(ORDER, Lane.HTTP, List.of(Outcome.retry(new Lease("cb", again.token()), 50_000, true, "HTTP 500")),
				1_000 + LEASE);
		assertThat(this.store.reschedule("order", "cb", 2_000, null, 2_000)).contains(JobState.PENDING);
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 2_000, 10, LEASE, "w").jobs()).isEmpty();
		assertThat(this.store.claim(ORDER, Lane.HTTP, 2_000, 10, LEASE, "h").jobs()).hasSize(1);
		assertThat(this.store.cancel("order", "cb")).contains(JobState.IN_FLIGHT);
		assertNoKeysLeft();
	}

	@Test
	void replacingALocalJobWithACallbackJobMovesItToTheHttpLane() {
		schedule("a", 1_000, "{}");
		this.store.schedule("order", List.of(new StoredJob("a", 1_000, "{}", null,
				JobCallback.post("http://receiver.test/hook"), null)), false, 1_000);
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "w").jobs()).isEmpty();
		assertThat(this.store.claim(ORDER, Lane.HTTP, 1_000, 10, LEASE, "h").jobs()).hasSize(1);
		assertThat(this.store.stats("order").pending()).isZero();
	}

	@Test
	void aLateSuccessAfterRecoveryLeavesNoStrayIdThatCouldBeClaimedInTheWrongLane() {
		schedule("x", 1_000, "{}");
		ClaimedJob first = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "slow").jobs().get(0);
		// an HTTP-lane claim recovers the expired lease: x waits in the local due set again, token kept
		assertThat(this.store.claim(ORDER, Lane.HTTP, 1_000 + LEASE, 10, LEASE, "h").expired()).containsExactly("x");
		assertThat(this.store.complete(ORDER, List.of(new Lease("x", first.token())))).isEmpty();
		assertThat(this.store.stats("order").pending()).isZero();
		this.store.schedule("order", List.of(new StoredJob("x", 2_000, "{}", null,
				JobCallback.post("http://receiver.test/hook"), null)), false, 2_000);
		assertThat(this.store.claim(ORDER, Lane.HTTP, 2_000, 10, LEASE, "h2").jobs()).hasSize(1);
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 2_000, 10, LEASE, "l2").jobs()).isEmpty();
	}

	@Test
	void aClaimNeverTakesAJobOfTheOtherLaneOrOneThatIsNotPending() {
		this.store.schedule("order", List.of(new StoredJob("cb", 1_000, "{}", null,
				JobCallback.post("http://receiver.test/hook"), null)), false, 1_000);
		// a stray entry in the wrong lane, as a bug or a hand edit could leave it
		this.redis.opsForZSet().add(this.prefix + ":{order}:due", "cb", 1_000);
		this.redis.opsForZSet().add(this.prefix + ":{order}:due", "ghost", 1_000);
		assertThat(this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "l").jobs()).isEmpty();
		assertThat(this.redis.opsForZSet().size(this.prefix + ":{order}:due")).isZero();
		assertThat(this.store.claim(ORDER, Lane.HTTP, 1_000, 10, LEASE, "h").jobs()).hasSize(1);
	}

	@Test
	void aWakeMessageAnnouncesOnlyANewEarliestDueTimeOfALane() throws InterruptedException {
		BlockingQueue<String> wakes = new LinkedBlockingQueue<>();
		WakeSubscriber subscriber = new WakeSubscriber(this.connectionFactory, this.store.keys());
		subscriber.start((topic, lane, due) -> wakes.add(topic + " " + due + " " + lane.wireName()));
		try {
			// messages arrive in order: each expected one shows that the steps before it since the last were silent
			schedule("a", 5_000, "{}");
			assertThat(wakes.poll(5, TimeUnit.SECONDS)).isEqualTo("order 5000 local");
			schedule("b", 6_000, "{}");
			schedule("c", 4_000, "{}");
			assertThat(wakes.poll(5, TimeUnit.SECONDS)).isEqualTo("order 4000 local");
			this.store.schedule("order", List.of(new StoredJob("cb", 7_000, "{}", null,
					JobCallback.post("http://receiver.test/hook"), null)), false, 1_000);
			assertThat(wakes.poll(5, TimeUnit.SECONDS)).isEqualTo("order 7000 http");
			this.store.reschedule("order", "b", 6_500, null, 1_000);
			this.store.reschedule("order", "b", 3_000, null, 1_000);
			assertThat(wakes.poll(5, TimeUnit.SECONDS)).isEqualTo("order 3000 local");
			ClaimedJob first = this.store.claim(ORDER, Lane.LOCAL, 3_000, 10, LEASE, "w").jobs().get(0);
			this.store.fail(ORDER, Lane.LOCAL, List.of(Outcome.retry(new Lease("b", first.token()), 4_500, true, "x")), 3_000);
			ClaimedJob cb = this.store.claim(ORDER, Lane.HTTP, 7_000, 10, LEASE, "h").jobs().get(0);
			assertThat(cb.job().id()).isEqualTo("cb");
			this.store.fail(ORDER, Lane.HTTP, List.of(Outcome.retry(new Lease("cb", cb.token()), 2_000, true, "x")), 7_000);
			assertThat(wakes.poll(5, TimeUnit.SECONDS)).isEqualTo("order 2000 http");
			// a lease that ran out puts the job back in its own lane, announced at once to that lane's workers
			this.store.claim(ORDER, Lane.HTTP, 7_000, 10, LEASE, "h");
			this.store.claim(ORDER, Lane.LOCAL, 7_000 + LEASE, 10, LEASE, "w");
			assertThat(wakes.poll(5, TimeUnit.SECONDS)).isEqualTo("order " + (7_000 + LEASE) + " http");
			assertThat(wakes.poll(200, TimeUnit.MILLISECONDS)).isNull();
		}
		finally {
			subscriber.stop();
		}
	}

	@Test
	void aLateSuccessOfAnAttemptWhoseLeaseRanOutDoesNotEndTheJobRescheduledSince() {
		schedule("a", 1_000, "{}");
		ClaimedJob first = this.store.claim(ORDER, Lane.LOCAL, 1_000, 10, LEASE, "slow").jobs().get(0);
		// the lease runs out (found by a claim of the other lane, which leaves it pending), and the application
		// reschedules it
		assertThat(this.store.claim(ORDER, Lane.HTTP, 1_000 + LEASE, 10, LEASE, "other").expired())
			.containsExactly("a");
		assertThat(this.store.reschedule("order", "a", 90_000, null, 1_000 + LEASE)).contains(JobState.PENDING);
		assertThat(this.store.complete(ORDER, List.of(first.lease()))).containsExactly("a");
		assertThat(this.store.get("order", "a").orElseThrow().dueAt().toEpochMilli()).isEqualTo(90_000);
	}

	@Test
	void aPartitionedTopicSpreadsItsJobsOverItsPartitionsAndFindsEachByIdInOneLook() {
		RedisJobStore partitioned = new RedisJobStore(this.redis, new JobKeys(this.prefix), (topic) -> 4);
		List<StoredJob> jobs = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			jobs.add(new StoredJob("j" + i, 1_000, "{}", null));
		}
		assertThat(partitioned.schedule("order", jobs, false, 1_000)).containsOnly(ScheduleResult.CREATED);
		assertThat(partitioned.partitions("order")).extracting(TopicPartition::partition).containsExactly(0, 1, 2, 3);
		for (TopicPartition partition : partitioned.partitions("order")) {
			String tag = (partition.partition() == 0) ? "{order}" : "{order#" + partition.partition() + "}";
			assertThat(this.redis.keys(this.prefix + ":" + tag + ":job:*")).hasSizeBetween(10, 40);
		}
		assertThat(partitioned.stats("order").pending()).isEqualTo(100);
		assertThat(partitioned.get("order", "j7")).map(DelayedJob::id).contains("j7");
		assertThat(partitioned.cancel("order", "j8")).contains(JobState.PENDING);
		assertThat(partitioned.get("order", "j8")).isEmpty();
		int claimed = 0;
		for (TopicPartition partition : partitioned.partitions("order")) {
			claimed += partitioned.claim(partition, Lane.LOCAL, 1_000, 100, LEASE, "w" + partition).jobs().size();
		}
		assertThat(claimed).isEqualTo(99);
		assertThat(partitioned.stats("order").inFlight()).isEqualTo(99);
	}

	@Test
	void aJobStaysInThePartitionItWasCreatedInWhenTheTopicsPartitionCountChanges() throws InterruptedException {
		// jobs scheduled with 1 partition, then an instance with 8 and one still configured with 1
		this.store.schedule("order", List.of(new StoredJob("old", 5_000, "{}", null)), false, 1_000);
		RedisJobStore eight = new RedisJobStore(this.redis, new JobKeys(this.prefix), (topic) -> 8);
		RedisJobStore one = new RedisJobStore(this.redis, new JobKeys(this.prefix), (topic) -> 1);
		List<StoredJob> fresh = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			fresh.add(new StoredJob("new" + i, 5_000, "{}", null));
		}
		eight.schedule("order", fresh, false, 1_000);
		// replacing the old job through the instance with 8 partitions replaces it where it is: still one job
		assertThat(eight.schedule("order", List.of(new StoredJob("old", 6_000, "{\"v\":2}", null)), false, 1_000))
			.containsExactly(ScheduleResult.REPLACED_PENDING);
		assertThat(this.redis.keys(this.prefix + ":*:job:old")).containsExactly(this.prefix + ":{order}:job:old");
		// every instance finds every job, whichever count it runs with (one that read the record of counts before
		// reads it again on a miss, at most every 100 ms), and claims from every partition once it has read it
		Thread.sleep(PartitionCounts.MISS_REFRESH_NANOS / 1_000_000 + 50);
		assertThat(eight.partitions("order")).hasSize(8);
		assertThat(one.partitions("order")).hasSize(8);
		for (RedisJobStore store : List.of(eight, one, this.store)) {
			assertThat(store.get("order", "old")).map(DelayedJob::body).contains("{\"v\":2}");
			for (StoredJob job : fresh) {
				assertThat(store.get("order", job.id())).as(job.id()).isPresent();
			}
		}
		assertThat(one.stats("order").pending()).isEqualTo(41);
		assertThat(one.reschedule("order", "new3", 7_000, null, 1_000)).contains(JobState.PENDING);
		assertThat(one.cancel("order", "new5")).contains(JobState.PENDING);
		int claimed = 0;
		for (TopicPartition partition : one.partitions("order")) {
			claimed += one.claim(partition, Lane.LOCAL, 6_000, 100, LEASE, "w" + partition).jobs().size();
		}
		assertThat(claimed).isEqualTo(39);
		assertThat(one.get("order", "new3").orElseThrow().state()).isEqualTo(JobState.PENDING);
	}

	private void assertNoKeysLeft() {
		assertThat(this.redis.keys(this.prefix + ":{order*")).isEmpty();
	}

}
