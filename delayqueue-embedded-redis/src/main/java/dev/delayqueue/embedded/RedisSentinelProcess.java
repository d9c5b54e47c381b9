package dev.delayqueue.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A Redis Sentinel deployment of real {@code redis-server} processes on the loopback interface, owned by this JVM,
 * for the tests and fault suites of delayqueue; never for production.
 * <p>
 * {@link Builder#start()} starts a master, one replica ({@code --replicaof}) and three sentinels
 * ({@code redis-server sentinel.conf --sentinel}, quorum 2) that monitor the master under
 * {@link #masterName()}, and returns once every sentinel knows the replica and the two other sentinels, so that a
 * failover can start as soon as the master fails. A test kills the master with {@link #killMaster()} and waits
 * for the sentinels to promote the replica with {@link #waitForFailover(Duration)}. Works with Redis 6.2 and 7.
 *
 * @since 0.1.0
 */
public final class RedisSentinelProcess implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final Duration START_WAIT = Duration.ofSeconds(30);

	private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

	private final String masterName;

	private final List<RedisServerProcess> servers;

	private final List<RedisServerProcess> sentinelServers;

	/** The master {@link #killMaster()} killed last; written by the test thread. */
	private volatile @Nullable RedisServerProcess killedMaster;

	private RedisSentinelProcess(String masterName, List<RedisServerProcess> servers,
			List<RedisServerProcess> sentinelServers) {
		this.masterName = masterName;
		this.servers = List.copyOf(servers);
		this.sentinelServers = List.copyOf(sentinelServers);
	}

	/**
	 * Starts a deployment that monitors its master as {@code mymaster}, with {@code down-after-milliseconds} 1000.
	 * @return the running deployment
	 */
	public static RedisSentinelProcess start() {
		return builder().start();
	}

	/**
	 * Returns a builder to choose the master name or the timeouts.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the name the sentinels monitor the master under, for {@code spring.data.redis.sentinel.master}.
	 * @return the master name
	 */
	public String masterName() {
		return this.masterName;
	}

	/**
	 * Returns the sentinels as {@code 127.0.0.1:port,...}, the form {@code spring.data.redis.sentinel.nodes} takes.
	 * @return the comma-separated sentinel addresses
	 */
	public String sentinels() {
		return this.sentinelServers.stream().map((s) -> HOST + ":" + s.port()).collect(Collectors.joining(","));
	}

	/**
	 * Returns the sentinel processes, to kill or pause one of them.
	 * @return the three sentinels
	 */
	public List<RedisServerProcess> sentinelServers() {
		return this.sentinelServers;
	}

	/**
	 * Returns the data nodes: the first master, then its replica, whatever their roles are now.
	 * @return the two data nodes
	 */
	public List<RedisServerProcess> servers() {
		return this.servers;
	}

	/**
	 * Returns the master as the first answering sentinel reports it ({@code SENTINEL get-master-addr-by-name}).
	 * @return the current master
	 * @throws IllegalStateException when no sentinel answers
	 */
	public RedisServerProcess master() {
		RuntimeException last = null;
		for (RedisServerProcess sentinel : this.sentinelServers) {
			if (sentinel.isRunning()) {
				try {
					return serverAt(reportedMasterPort(sentinel));
				}
				catch (RuntimeException ex) {
					last = ex;
				}
			}
		}
		throw new IllegalStateException("No sentinel reports the master " + this.masterName, last);
	}

	/**
	 * Kills the current master with {@code SIGKILL}, as a crash.
	 * @return the killed master, which can be restarted later (the sentinels then make it a replica)
	 */
	public RedisServerProcess killMaster() {
		RedisServerProcess master = master();
		this.killedMaster = master;
		master.kill();
		return master;
	}

	/**
	 * Waits until every running sentinel reports a master other than the one {@link #killMaster()} killed, and
	 * that server answers {@code ROLE} as master.
	 * @param timeout how long to wait
	 * @return the new master
	 * @throws IllegalStateException when {@link #killMaster()} was not called or the failover does not complete in
	 * time
	 */
	public RedisServerProcess waitForFailover(Duration timeout) {
		RedisServerProcess killed = this.killedMaster;
		if (killed == null) {
			throw new IllegalStateException("No master was killed: call killMaster() first");
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		String reason;
		while (true) {
			try {
				Optional<String> missing = failoverMissing(killed.port());
				if (missing.isEmpty()) {
					return master();
				}
				reason = missing.get();
			}
			catch (RuntimeException ex) {
				reason = ex.getMessage();
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Sentinel failover of " + this.masterName + " did not complete within "
						+ timeout.toMillis() + " ms: " + reason);
			}
			sleep(50);
		}
	}

	/**
	 * Returns what is still missing for the failover from the killed master, empty when it is complete.
	 */
	private Optional<String> failoverMissing(int killedPort) {
		Integer agreed = null;
		for (RedisServerProcess sentinel : this.sentinelServers) {
			if (!sentinel.isRunning()) {
				continue;
			}
			int port = reportedMasterPort(sentinel);
			if (port == killedPort) {
				return Optional.of("sentinel on port " + sentinel.port() + " still reports the killed master");
			}
			if (agreed != null && agreed != port) {
				return Optional.of("sentinels disagree on the new master: " + agreed + " vs " + port);
			}
			agreed = port;
		}
		if (agreed == null) {
			return Optional.of("no sentinel is running");
		}
		Object role = RespClient.call(agreed, "ROLE");
		if (!(role instanceof List<?> list) || !"master".equals(list.get(0))) {
			return Optional.of("the new master on port " + agreed + " answers ROLE " + role);
		}
		return Optional.empty();
	}

	private int reportedMasterPort(RedisServerProcess sentinel) {
		try (RespClient client = RespClient.connect(HOST, sentinel.port(), CHECK_TIMEOUT)) {
			Object reply = client.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.masterName);
			if (reply instanceof List<?> address && address.size() == 2) {
				return Integer.parseInt(String.valueOf(address.get(1)));
			}
			throw new IllegalStateException("Sentinel on port " + sentinel.port() + " does not know "
					+ this.masterName + ": " + reply);
		}
	}

	private RedisServerProcess serverAt(int port) {
		return this.servers.stream()
			.filter((server) -> server.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The sentinels report a master on port " + port
					+ ", which is none of this deployment's servers"));
	}

	/**
	 * Stops the sentinels, then the data nodes ({@code SIGTERM}). Data directories stay, for reading logs.
	 */
	@Override
	public void close() {
		this.sentinelServers.forEach(RedisServerProcess::close);
		this.servers.forEach(RedisServerProcess::close);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for Redis Sentinel", ex);
		}
	}

	/**
	 * Builds and starts a {@link RedisSentinelProcess}.
	 */
	public static final class Builder {

		private static final int SENTINELS = 3;

		private static final int QUORUM = 2;

		private String masterName = "mymaster";

		private Duration downAfter = Duration.ofSeconds(1);

		private Duration failoverTimeout = Duration.ofSeconds(5);

		private Builder() {
		}

		/**
		 * Sets the name the sentinels monitor the master under ({@code mymaster} by default).
		 * @param masterName the master name
		 * @return this builder
		 */
		public Builder masterName(String masterName) {
			this.masterName = masterName;
			return this;
		}

		/**
		 * Sets {@code down-after-milliseconds} (1 second by default): how long the master may not answer before a
		 * sentinel considers it down.
		 * @param downAfter the time until a silent master counts as down
		 * @return this builder
		 */
		public Builder downAfter(Duration downAfter) {
			this.downAfter = downAfter;
			return this;
		}

		/**
		 * Sets {@code failover-timeout} (5 seconds by default).
		 * @param failoverTimeout the failover timeout
		 * @return this builder
		 */
		public Builder failoverTimeout(Duration failoverTimeout) {
			this.failoverTimeout = failoverTimeout;
			return this;
		}

		/**
		 * Starts the master, the replica and the sentinels, and waits until the sentinels know each other and the
		 * replica (up to 30 seconds).
		 * @return the running deployment
		 * @throws IllegalStateException when a process does not start or the sentinels do not settle in time
		 */
		public RedisSentinelProcess start() {
			List<RedisServerProcess> servers = new ArrayList<>();
			List<RedisServerProcess> sentinels = new ArrayList<>();
			try {
				RedisServerProcess master = RedisServerProcess.builder().args("--repl-diskless-sync-delay", "0").start();
				servers.add(master);
				RedisServerProcess replica = RedisServerProcess.builder()
					.args("--replicaof", HOST, Integer.toString(master.port()), "--repl-diskless-sync-delay", "0")
					.start();
				servers.add(replica);
				await("the replica to connect", () -> "up".equals(infoField(replica.port(), "master_link_status")));
				for (int i = 0; i < SENTINELS; i++) {
					sentinels.add(startSentinel(master.port()));
				}
				for (RedisServerProcess sentinel : sentinels) {
					await("sentinel on port " + sentinel.port() + " to know the replica and the other sentinels",
							() -> knowsEverything(sentinel));
				}
				return new RedisSentinelProcess(this.masterName, servers, sentinels);
			}
			catch (RuntimeException ex) {
				sentinels.forEach(RedisServerProcess::close);
				servers.forEach(RedisServerProcess::close);
				throw ex;
			}
		}

		private RedisServerProcess startSentinel(int masterPort) {
			try {
				Path dir = Files.createTempDirectory("delayqueue-sentinel-");
				Path config = dir.resolve("sentinel.conf");
				String name = this.masterName;
				Files.writeString(config, String.join("\n",
						"sentinel monitor " + name + " " + HOST + " " + masterPort + " " + QUORUM,
						"sentinel down-after-milliseconds " + name + " " + this.downAfter.toMillis(),
						"sentinel failover-timeout " + name + " " + this.failoverTimeout.toMillis(),
						"sentinel parallel-syncs " + name + " 1", ""), StandardCharsets.UTF_8);
				return RedisServerProcess.builder().dataDir(dir).configFile(config).args("--sentinel").start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot write a sentinel.conf", ex);
			}
		}

		private boolean knowsEverything(RedisServerProcess sentinel) {
			try (RespClient client = RespClient.connect(HOST, sentinel.port(), CHECK_TIMEOUT)) {
				Object replicas = client.command("SENTINEL", "REPLICAS", this.masterName);
				Object others = client.command("SENTINEL", "SENTINELS", this.masterName);
				return replicas instanceof List<?> replicaList && replicaList.size() == 1
						&& "slave".equals(field(replicaList.get(0), "flags"))
						&& others instanceof List<?> otherList && otherList.size() == SENTINELS - 1;
			}
		}

		/**
		 * Reads a field of a Sentinel reply entry, a flat list of names and values.
		 */
		private static @Nullable Object field(@Nullable Object entry, String name) {
			if (entry instanceof List<?> list) {
				for (int i = 0; i + 1 < list.size(); i += 2) {
					if (name.equals(list.get(i))) {
						return list.get(i + 1);
					}
				}
			}
			return null;
		}

		private static @Nullable String infoField(int port, String name) {
			String info = Objects.requireNonNull((String) RespClient.call(port, "INFO", "replication"));
			for (String line : info.split("\r\n")) {
				if (line.startsWith(name + ":")) {
					return line.substring(name.length() + 1);
				}
			}
			return null;
		}

		private static void await(String what, BooleanSupplier check) {
			long deadline = System.nanoTime() + START_WAIT.toNanos();
			while (!check.getAsBoolean()) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Timed out after " + START_WAIT.toSeconds() + "s waiting for "
							+ what);
				}
				sleep(50);
			}
		}

	}

}
