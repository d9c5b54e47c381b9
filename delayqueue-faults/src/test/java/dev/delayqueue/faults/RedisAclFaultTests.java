package dev.delayqueue.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobState;
import dev.delayqueue.dashboard.DashboardRecorder;
import dev.delayqueue.embedded.RedisClusterProcess;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.embedded.RespClient;
import dev.delayqueue.handler.DelayedJobHandler;
import dev.delayqueue.store.JobStore;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * delayqueue as a Redis ACL user limited to the commands and keys it needs (the line in docs/redis.md): the whole
 * life of jobs (schedule, claim, heartbeat, retry, dead, redrive, purge, cancel), the clock, the instance records,
 * the dashboard's counters and the startup checks, with no permission error; and a user without the scripts fails
 * the startup saying which permission is missing.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisAclFaultTests {

	/** The permissions delayqueue needs, as docs/redis.md gives them (Redis 7), less the cluster commands. */
	static final String PERMISSIONS = "-@all +@connection -client +client|setname +client|id "
			+ "+evalsha +eval +script|load +info +wait +time +zadd +zrem +zrange +zrangebyscore +zremrangebyscore "
			+ "+zscore +zcard +hget +hexists +hset +hdel +hgetall +hincrby +del +exists +sadd +smembers +set +mget +expire "
			+ "+pexpire +publish +subscribe +unsubscribe +spublish +ssubscribe +sunsubscribe";

	/** What Lettuce adds on a cluster, as docs/redis.md gives it: the topology and redirections. */
	static final String CLUSTER_PERMISSIONS = "+cluster|nodes +cluster|slots +cluster|shards +cluster|myid +readonly +asking";

	@TempDir
	Path dir;

	@Test
	void aUserLimitedToWhatDelayqueueNeedsRunsEverything(CapturedOutput output) throws Exception {
		try (RedisServerProcess redis = FaultSupport.redis(this.dir.resolve("redis"), false)) {
			acl(redis, "ACL", "SETUSER", "dq", "on", ">dq-secret-password", "resetkeys", "~dq:*", "resetchannels",
					"&dq:*");
			acl(redis, ("ACL SETUSER dq " + permissions(redis)).split(" "));
			runEverything(output, "--spring.data.redis.port=" + redis.port());
		}
	}

	/**
	 * The same on a Redis Cluster (3 masters, 3 replicas), the user set on every node (ACLs are not replicated) with
	 * the topology commands Lettuce sends besides, as docs/redis.md gives them; jobs of 3 partitions spread over the
	 * masters.
	 */
	@Test
	void onAClusterAUserLimitedToWhatDelayqueueNeedsRunsEverything(CapturedOutput output) throws Exception {
		try (RedisClusterProcess cluster = RedisClusterProcess.start()) {
			String permissions = permissions(cluster.nodes().get(0).server()) + " " + CLUSTER_PERMISSIONS;
			for (RedisClusterProcess.Node node : cluster.nodes()) {
				acl(node.server(), "ACL", "SETUSER", "dq", "on", ">dq-secret-password", "resetkeys", "~dq:*",
						"resetchannels", "&dq:*");
				acl(node.server(), ("ACL SETUSER dq " + permissions).split(" "));
			}
			runEverything(output, "--spring.data.redis.cluster.nodes=" + cluster.seedNodes(),
					"--delayqueue.topics.acl.partitions=3");
		}
	}

	/** Schedule, claim, heartbeat, retry, dead, redrive, purge, cancel, clock and counters, as the user {@code dq}. */
	private void runEverything(CapturedOutput output, String... connection) throws Exception {
		Handler.reset();
		List<String> args = new ArrayList<>(List.of("--spring.main.web-application-type=none",
				"--spring.data.redis.username=dq", "--spring.data.redis.password=dq-secret-password",
				"--delayqueue.redis.key-prefix=dq", "--delayqueue.topics.acl.lease=1s",
				"--delayqueue.redis.require-noeviction=true"));
		args.addAll(List.of(connection));
		try (ConfigurableApplicationContext context = new SpringApplication(Server.class).run(args.toArray(String[]::new))) {
			DelayQueue queue = context.getBean(DelayQueue.class);
			queue.schedule(JobRequest.builder("acl", "ok").delay(Duration.ZERO).build());
			queue.schedule(JobRequest.builder("acl", "long").delay(Duration.ZERO).build());
			queue.schedule(JobRequest.builder("acl", "flaky").delay(Duration.ZERO).maxAttempts(2).build());
			queue.schedule(JobRequest.builder("acl", "dies").delay(Duration.ZERO).maxAttempts(1).build());
			queue.schedule(JobRequest.builder("acl", "cancel").delay(Duration.ofHours(1)).build());
			FaultSupport.await(() -> queue.get("acl", "dies").map((job) -> job.state() == JobState.DEAD)
				.orElse(false), Duration.ofSeconds(10), "dies dead");
			assertThat(queue.redrive("acl", "dies")).isTrue();
			FaultSupport.await(() -> Handler.runs("dies") == 2, Duration.ofSeconds(10), "redriven");
			FaultSupport.await(() -> queue.get("acl", "dies").map((job) -> job.state() == JobState.DEAD)
				.orElse(false), Duration.ofSeconds(10), "dies dead again");
			assertThat(queue.purge("acl", "dies")).isTrue();
			assertThat(queue.cancel("acl", "cancel")).isTrue();
			FaultSupport.await(() -> Handler.runs("ok") == 1 && Handler.runs("long") == 1 && Handler.runs("flaky") == 2
					&& queue.stats("acl").inFlight() == 0, Duration.ofSeconds(15), "every job done");
			assertThat(Handler.runs("long")).as("its lease kept alive by heartbeats").isEqualTo(1);
			context.getBean(DashboardRecorder.class).flush();
			assertThat(queue.topics()).contains("acl");
			// the writes that fail quietly (at debug) when refused: the instance record and the minute counters
			JobStore store = context.getBean(JobStore.class);
			assertThat(store.instances()).as("the instance record").isNotEmpty();
			long minute = Math.floorDiv(System.currentTimeMillis(), 60_000L);
			assertThat(store.minuteCounts(minute - 2, minute + 1)).as("the dashboard's counters").isNotEmpty();
		}
		assertThat(output.getOut() + output.getErr()).doesNotContain("NOPERM");
	}

	@Test
	void aUserWithoutTheScriptsFailsTheStartupNamingThePermission() {
		try (RedisServerProcess redis = FaultSupport.redis(this.dir.resolve("noscripts"), false)) {
			acl(redis, "ACL", "SETUSER", "dq", "on", ">dq-secret-password", "resetkeys", "~dq:*", "resetchannels",
					"&dq:*");
			acl(redis, ("ACL SETUSER dq " + permissions(redis) + " -eval -evalsha").split(" "));
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> new SpringApplication(Server.class).run("--spring.main.web-application-type=none",
						"--spring.data.redis.port=" + redis.port(), "--spring.data.redis.username=dq",
						"--spring.data.redis.password=dq-secret-password", "--delayqueue.redis.key-prefix=dq"))
				.satisfies((ex) -> assertThat(messages(ex)).anySatisfy((message) -> assertThat(message).contains("NOPERM")
					.contains("delayqueue's Redis user lacks a permission")
					.contains("docs/redis.md")));
		}
	}

	private static java.util.List<String> messages(Throwable ex) {
		java.util.List<String> messages = new java.util.ArrayList<>();
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			messages.add(String.valueOf(cause.getMessage()));
		}
		return messages;
	}

	/** The permissions for this Redis: before 7.0 there is no sharded pub/sub to grant. */
	private static String permissions(RedisServerProcess redis) {
		try (RespClient client = RespClient.connect(redis.port())) {
			String info = String.valueOf(client.command("INFO", "server"));
			int at = info.indexOf("redis_version:") + "redis_version:".length();
			int major = Integer.parseInt(info.substring(at, info.indexOf('.', at)));
			return (major >= 7) ? PERMISSIONS : PERMISSIONS.replace(" +spublish +ssubscribe +sunsubscribe", "");
		}
	}

	private static void acl(RedisServerProcess redis, String... command) {
		try (RespClient client = RespClient.connect(redis.port())) {
			Object answer = client.command(command);
			assertThat(String.valueOf(answer)).as(String.join(" ", command)).isEqualTo("OK");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handler.class)
	static class Server {

	}

	static class Handler {

		static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

		static final Set<String> seen = ConcurrentHashMap.newKeySet();

		static void reset() {
			runs.clear();
			seen.clear();
		}

		static int runs(String id) {
			AtomicInteger count = runs.get(id);
			return (count != null) ? count.get() : 0;
		}

		@DelayedJobHandler(topic = "acl", initialInterval = "100ms")
		void deliver(DelayedJob job) throws InterruptedException {
			int run = runs.computeIfAbsent(job.id(), (id) -> new AtomicInteger()).incrementAndGet();
			if (job.id().equals("long")) {
				Thread.sleep(2_500);
			}
			if (job.id().equals("flaky") && run == 1) {
				throw new IllegalStateException("first attempt fails");
			}
			if (job.id().equals("dies")) {
				throw new IllegalStateException("always fails");
			}
		}

	}

}
