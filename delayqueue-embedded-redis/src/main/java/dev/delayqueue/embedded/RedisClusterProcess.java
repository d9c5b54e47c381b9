package dev.delayqueue.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A Redis Cluster of real {@code redis-server} processes on the loopback interface, owned by this JVM, for the
 * tests and fault suites of delayqueue; never for production.
 * <p>
 * {@link Builder#start()} starts {@code masters} masters and {@code replicasPerMaster} replicas for each (3 and 1 by
 * default) as {@link RedisServerProcess}es and forms the cluster itself, without {@code redis-cli}: it assigns the
 * 16384 slots evenly to the masters, introduces the nodes with {@code CLUSTER MEET}, attaches the replicas with
 * {@code CLUSTER REPLICATE} and returns once {@link #waitForClusterOk(Duration)} holds. Works with Redis 6.2 and 7.
 * <p>
 * Faults and changes a test can drive: {@link #killNode(Node)} and {@link #restartNode(Node)} (same port and data
 * directory, so the node rejoins from its {@code nodes.conf}), {@link #waitForFailover(Node, Duration)},
 * {@link #failback(Node)}, and a key-by-key slot migration, {@link #beginMigration(int, Node)}, whose pace the test
 * sets. Nodes listen on ports up to 22767, so that the cluster bus ports ({@code port + 10000}) stay below the
 * Linux ephemeral range.
 * <p>
 * Nodes run with {@code cluster-replica-validity-factor 0} (a replica always may take over from a dead master) and
 * {@code repl-diskless-sync-delay 0} (a replica syncs at once, instead of after Redis 7's five second wait).
 * Meant to be driven from one test thread; the application under test may use the cluster from any number.
 *
 * @since 0.1.0
 */
public final class RedisClusterProcess implements AutoCloseable {

	/** Number of hash slots in a Redis Cluster. */
	public static final int SLOTS = 16384;

	private static final String HOST = "127.0.0.1";

	private static final int LOWEST_PORT = 10000;

	private static final int HIGHEST_PORT = 22767;

	private static final int BUS_PORT_OFFSET = 10000;

	private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

	private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration MIGRATE_TIMEOUT = Duration.ofSeconds(5);

	private final List<Node> nodes;

	private final Duration nodeTimeout;

	/** Slot owners (node ids) the last time all live nodes agreed; written by the test thread. */
	private volatile String[] agreedOwners = new String[0];

	private RedisClusterProcess(List<Node> nodes, Duration nodeTimeout) {
		this.nodes = List.copyOf(nodes);
		this.nodeTimeout = nodeTimeout;
	}

	/**
	 * Starts a cluster of 3 masters with 1 replica each, node timeout 1 second, append-only files on.
	 * @return the running cluster, {@code cluster_state:ok} on every node
	 */
	public static RedisClusterProcess start() {
		return builder().start();
	}

	/**
	 * Returns a builder to choose the number of nodes, the node timeout or persistence.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns every node, running or not, masters first in the order the cluster was formed.
	 * @return the nodes
	 */
	public List<Node> nodes() {
		return this.nodes;
	}

	/**
	 * Returns the running nodes that say they are masters ({@code ROLE}), in formation order.
	 * @return the current masters
	 */
	public List<Node> masters() {
		return liveNodes().stream().filter((node) -> node.role() == Role.MASTER).toList();
	}

	/**
	 * Returns the running nodes that say they are replicas ({@code ROLE}), in formation order.
	 * @return the current replicas
	 */
	public List<Node> replicas() {
		return liveNodes().stream().filter((node) -> node.role() == Role.REPLICA).toList();
	}

	/**
	 * Returns every node as {@code 127.0.0.1:port,...}, the form {@code spring.data.redis.cluster.nodes} takes.
	 * @return the comma-separated seed nodes
	 */
	public String seedNodes() {
		return this.nodes.stream().map(Node::hostAndPort).collect(Collectors.joining(","));
	}

	/**
	 * Returns the node timeout the nodes run with ({@code cluster-node-timeout}).
	 * @return the node timeout
	 */
	public Duration nodeTimeout() {
		return this.nodeTimeout;
	}

	/**
	 * Returns the node with this id.
	 * @param nodeId the node id ({@code CLUSTER MYID})
	 * @return the node
	 * @throws IllegalArgumentException when no node of this cluster has the id
	 */
	public Node node(String nodeId) {
		return this.nodes.stream()
			.filter((node) -> node.nodeId().equals(nodeId))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No node " + nodeId + " in this cluster"));
	}

	/**
	 * Returns the master that owns a slot, once all running nodes agree on it (waiting up to 30 seconds).
	 * @param slot the slot, 0 to 16383
	 * @return the owning master
	 * @throws IllegalStateException when the nodes do not agree in time
	 */
	public Node masterOf(int slot) {
		checkSlot(slot);
		return node(awaitAgreement(DEFAULT_WAIT, (owners) -> true)[slot]);
	}

	/**
	 * Returns the hash slot of a key as Redis computes it: CRC16 (XMODEM) of the key's UTF-8 bytes modulo 16384, of
	 * only the part between the first <code>{</code> and the next <code>}</code> when that part is not empty.
	 * @param key the key
	 * @return the slot, 0 to 16383
	 */
	public static int slot(String key) {
		byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
		int start = 0;
		int end = bytes.length;
		int open = indexOf(bytes, (byte) '{', 0);
		if (open >= 0) {
			int close = indexOf(bytes, (byte) '}', open + 1);
			if (close > open + 1) {
				start = open + 1;
				end = close;
			}
		}
		return crc16(bytes, start, end) & (SLOTS - 1);
	}

	/**
	 * Kills a node with {@code SIGKILL}, as a crash. Other nodes notice after the node timeout.
	 * @param node the node
	 */
	public void killNode(Node node) {
		if (checkOnce() instanceof Agreed agreed) {
			this.agreedOwners = agreed.owners();
		}
		node.server().kill();
	}

	/**
	 * Starts a killed node again on its port and data directory; it reads its {@code nodes.conf} and rejoins. A
	 * master that was replaced meanwhile comes back as a replica of its successor. Returns once the node answers
	 * {@code PING}; use {@link #waitForClusterOk(Duration)} to wait until it has rejoined.
	 * @param node the node
	 * @throws IllegalStateException when the node is running
	 */
	public void restartNode(Node node) {
		node.server().restart();
	}

	/**
	 * Waits until a replica has taken over the slots of a dead (killed or paused) master and the cluster is ok again
	 * (see {@link #waitForClusterOk(Duration)}).
	 * @param deadMaster the master that failed; it must have owned slots when the nodes last agreed
	 * @param timeout how long to wait
	 * @return the promoted replica, now a master
	 * @throws IllegalArgumentException when the node owned no slots
	 * @throws IllegalStateException when no failover completes in time
	 */
	public Node waitForFailover(Node deadMaster, Duration timeout) {
		String[] before = this.agreedOwners;
		int slot = Arrays.asList(before).indexOf(deadMaster.nodeId());
		if (slot < 0) {
			throw new IllegalArgumentException(deadMaster + " owned no slots when the nodes last agreed");
		}
		String[] owners = awaitAgreement(timeout, (agreed) -> !agreed[slot].equals(deadMaster.nodeId()));
		return node(owners[slot]);
	}

	/**
	 * Waits until every live node (running and answering {@code PING}) reports {@code cluster_state:ok}, all of
	 * them agree on the owner of every slot and on the role of every live node, none of them flags a live node as
	 * failing, and every live replica of a live master has its replication link up.
	 * @param timeout how long to wait
	 * @throws IllegalStateException when that does not happen in time, naming what was last missing
	 */
	public void waitForClusterOk(Duration timeout) {
		awaitAgreement(timeout, (owners) -> true);
	}

	/**
	 * Makes a replica master again with {@code CLUSTER FAILOVER} (a manual, coordinated failover: no write is lost)
	 * and waits until its old master follows it and the cluster is ok (up to 30 seconds).
	 * @param replica a replica whose master is running, for example a restarted old master
	 * @throws IllegalStateException when the node is not a replica or the failover does not complete in time
	 */
	public void failback(Node replica) {
		if (replica.role() != Role.REPLICA) {
			throw new IllegalStateException(replica + " is not a replica");
		}
		command(replica, "CLUSTER", "FAILOVER");
		awaitAgreement(DEFAULT_WAIT, (owners) -> Arrays.asList(owners).contains(replica.nodeId()));
	}

	/**
	 * Starts moving a slot to another master, key by key at the test's pace: marks it {@code IMPORTING} on the
	 * target, then {@code MIGRATING} on its current owner. Until {@link SlotMigration#finish()}, the source answers
	 * {@code ASK} for keys it no longer holds and {@code TRYAGAIN} for multi-key commands whose keys are split.
	 * @param slot the slot
	 * @param target the master to receive it
	 * @return the migration, to move keys and finish it
	 * @throws IllegalArgumentException when the target already owns the slot or is not a master
	 */
	public SlotMigration beginMigration(int slot, Node target) {
		checkSlot(slot);
		Node source = masterOf(slot);
		if (source.equals(target)) {
			throw new IllegalArgumentException(target + " already owns slot " + slot);
		}
		if (target.role() != Role.MASTER) {
			throw new IllegalArgumentException(target + " is not a master");
		}
		String slotArg = Integer.toString(slot);
		command(target, "CLUSTER", "SETSLOT", slotArg, "IMPORTING", source.nodeId());
		command(source, "CLUSTER", "SETSLOT", slotArg, "MIGRATING", target.nodeId());
		return new SlotMigration(slot, source, target);
	}

	/**
	 * Runs one command on one node, on a new connection.
	 * @param node the node
	 * @param args the command and its arguments
	 * @return the reply, typed as {@link RespClient} describes
	 * @throws RespClient.ErrorReplyException when the node answers with an error (including {@code MOVED})
	 */
	public @Nullable Object command(Node node, String... args) {
		return RespClient.call(node.port(), args);
	}

	/**
	 * Opens a connection to one node, for commands that depend on connection state such as {@code ASKING}.
	 * @param node the node
	 * @return an open client, to close after use
	 */
	public RespClient connect(Node node) {
		return RespClient.connect(node.port());
	}

	/**
	 * Deletes every key: {@code FLUSHALL} on every live master (replicas follow).
	 */
	public void flushAll() {
		for (Node master : masters()) {
			command(master, "FLUSHALL");
		}
	}

	/**
	 * Stops every node ({@code SIGTERM}). Data directories stay, for reading logs after a failure.
	 */
	@Override
	public void close() {
		for (Node node : this.nodes) {
			node.server().close();
		}
	}

	private List<Node> liveNodes() {
		return this.nodes.stream().filter(Node::isLive).toList();
	}

	private String[] awaitAgreement(Duration timeout, Predicate<String[]> until) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String reason;
		while (true) {
			ClusterCheck check = checkOnce();
			if (check instanceof Agreed agreed) {
				this.agreedOwners = agreed.owners();
				if (until.test(agreed.owners())) {
					return agreed.owners();
				}
				reason = "the nodes agree, but not yet on the expected change";
			}
			else {
				reason = ((NotYet) check).reason();
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Redis Cluster not settled within " + timeout.toMillis() + " ms: "
						+ reason);
			}
			sleep(50);
		}
	}

	/**
	 * Looks at every live node once.
	 */
	private ClusterCheck checkOnce() {
		List<Node> live = liveNodes();
		if (live.isEmpty()) {
			return new NotYet("no node is running");
		}
		Map<Node, ClusterView> views = new HashMap<>();
		for (Node node : live) {
			try (RespClient client = RespClient.connect(HOST, node.port(), CHECK_TIMEOUT)) {
				String info = Objects.requireNonNull(client.commandString("CLUSTER", "INFO"));
				if (!info.contains("cluster_state:ok")) {
					return new NotYet(node + " reports " + field(info, "cluster_state"));
				}
				views.put(node, ClusterView.parse(Objects.requireNonNull(client.commandString("CLUSTER", "NODES"))));
			}
			catch (RuntimeException ex) {
				return new NotYet(node + " did not answer: " + ex.getMessage());
			}
		}
		Node first = live.get(0);
		String[] owners = views.get(first).owners();
		for (Node node : live) {
			ClusterView view = views.get(node);
			String[] theirs = view.owners();
			for (int slot = 0; slot < SLOTS; slot++) {
				if (!Objects.equals(owners[slot], theirs[slot])) {
					return new NotYet(first + " and " + node + " disagree on the owner of slot " + slot + ": "
							+ owners[slot] + " vs " + theirs[slot]);
				}
			}
			for (Node other : live) {
				ClusterView.Entry self = views.get(other).myself();
				ClusterView.Entry seen = view.entry(other.nodeId());
				if (seen == null) {
					return new NotYet(node + " does not know " + other);
				}
				if (seen.failing()) {
					return new NotYet(node + " flags " + other + " " + seen.flags());
				}
				if (!Objects.equals(seen.masterId(), self.masterId())) {
					return new NotYet(node + " thinks " + other + " follows " + seen.masterId() + ", it follows "
							+ self.masterId());
				}
			}
		}
		for (Node node : live) {
			String masterId = views.get(node).myself().masterId();
			if (masterId != null && live.stream().anyMatch((other) -> other.nodeId().equals(masterId))) {
				String link = field(info(node, "replication"), "master_link_status");
				if (!"up".equals(link)) {
					return new NotYet(node + " has master_link_status:" + link);
				}
			}
		}
		for (String owner : owners) {
			if (owner == null) {
				return new NotYet("a slot has no owner");
			}
		}
		return new Agreed(owners);
	}

	private String info(Node node, String section) {
		try {
			return Objects.requireNonNull((String) command(node, "INFO", section));
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	private static @Nullable String field(String info, String name) {
		for (String line : info.split("\r\n")) {
			if (line.startsWith(name + ":")) {
				return line.substring(name.length() + 1).strip();
			}
		}
		return null;
	}

	private static void checkSlot(int slot) {
		if (slot < 0 || slot >= SLOTS) {
			throw new IllegalArgumentException("Slot " + slot + " is not between 0 and " + (SLOTS - 1));
		}
	}

	private static int indexOf(byte[] bytes, byte b, int from) {
		for (int i = from; i < bytes.length; i++) {
			if (bytes[i] == b) {
				return i;
			}
		}
		return -1;
	}

	private static int crc16(byte[] bytes, int start, int end) {
		int crc = 0;
		for (int i = start; i < end; i++) {
			crc ^= (bytes[i] & 0xff) << 8;
			for (int bit = 0; bit < 8; bit++) {
				crc = ((crc & 0x8000) != 0) ? (crc << 1) ^ 0x1021 : crc << 1;
			}
		}
		return crc & 0xffff;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the Redis Cluster", ex);
		}
	}

	/** Outcome of looking at every live node once. */
	private sealed interface ClusterCheck permits Agreed, NotYet {

	}

	/** Every live node is ok and they agree; {@code owners} maps each slot to its master's node id. */
	private record Agreed(String[] owners) implements ClusterCheck {

	}

	/** Something is not settled yet. */
	private record NotYet(String reason) implements ClusterCheck {

	}

	/**
	 * A node's role, as it reports it with {@code ROLE}.
	 */
	public enum Role {

		/** A master: owns slots (or can be given some) and takes writes. */
		MASTER,

		/** A replica of a master. */
		REPLICA

	}

	/**
	 * One node of the cluster: its port, its node id (kept across restarts) and its process.
	 */
	public static final class Node {

		private final RedisServerProcess server;

		private final String nodeId;

		Node(RedisServerProcess server, String nodeId) {
			this.server = server;
			this.nodeId = nodeId;
		}

		/**
		 * Returns the port the node serves clients on; its cluster bus is on {@code port + 10000}.
		 * @return the port
		 */
		public int port() {
			return this.server.port();
		}

		/**
		 * Returns the node id ({@code CLUSTER MYID}), which stays the same across restarts.
		 * @return the node id
		 */
		public String nodeId() {
			return this.nodeId;
		}

		/**
		 * Returns {@code 127.0.0.1:port}.
		 * @return the address of the node
		 */
		public String hostAndPort() {
			return HOST + ":" + port();
		}

		/**
		 * Returns the process of the node, to pause or resume it.
		 * @return the process
		 */
		public RedisServerProcess server() {
			return this.server;
		}

		/**
		 * Returns whether the node's process is alive (it may be paused).
		 * @return whether it is running
		 */
		public boolean isRunning() {
			return this.server.isRunning();
		}

		/**
		 * Asks the node for its role.
		 * @return the role the node reports now
		 * @throws UncheckedIOException when the node does not answer
		 */
		public Role role() {
			Object reply = RespClient.call(port(), "ROLE");
			if (reply instanceof List<?> role && !role.isEmpty()) {
				return "master".equals(role.get(0)) ? Role.MASTER : Role.REPLICA;
			}
			throw new IllegalStateException("Unexpected ROLE reply from " + this + ": " + reply);
		}

		boolean isLive() {
			return isRunning() && RedisServerProcess.ping(port());
		}

		@Override
		public String toString() {
			return "node " + hostAndPort() + " (" + this.nodeId.substring(0, 8) + ")";
		}

	}

	/**
	 * A slot being moved from one master to another, one key at a time, as started by
	 * {@link RedisClusterProcess#beginMigration(int, Node)}.
	 */
	public final class SlotMigration {

		private final int slot;

		private final Node source;

		private final Node target;

		private SlotMigration(int slot, Node source, Node target) {
			this.slot = slot;
			this.source = source;
			this.target = target;
		}

		/**
		 * Returns the slot being moved.
		 * @return the slot
		 */
		public int slot() {
			return this.slot;
		}

		/**
		 * Returns the master the slot is moving from.
		 * @return the source
		 */
		public Node source() {
			return this.source;
		}

		/**
		 * Returns the master the slot is moving to.
		 * @return the target
		 */
		public Node target() {
			return this.target;
		}

		/**
		 * Returns every key of the slot that is still on the source ({@code CLUSTER GETKEYSINSLOT}).
		 * @return the keys not yet moved
		 */
		public List<String> keys() {
			String slotArg = Integer.toString(this.slot);
			Object count = command(this.source, "CLUSTER", "COUNTKEYSINSLOT", slotArg);
			Object keys = command(this.source, "CLUSTER", "GETKEYSINSLOT", slotArg, String.valueOf(count));
			List<String> result = new ArrayList<>();
			if (keys instanceof List<?> list) {
				list.forEach((key) -> result.add((String) key));
			}
			return result;
		}

		/**
		 * Moves one key to the target ({@code MIGRATE ... REPLACE}); from then on the source answers {@code ASK}
		 * for it.
		 * @param key a key of the slot
		 * @return whether the key was moved, {@code false} when the source did not hold it ({@code NOKEY})
		 * @throws IllegalArgumentException when the key is not in the slot
		 */
		public boolean move(String key) {
			int keySlot = RedisClusterProcess.slot(key);
			if (keySlot != this.slot) {
				throw new IllegalArgumentException("Key " + key + " is in slot " + keySlot + ", not " + this.slot);
			}
			Object reply = command(this.source, "MIGRATE", HOST, Integer.toString(this.target.port()), key, "0",
					Long.toString(MIGRATE_TIMEOUT.toMillis()), "REPLACE");
			return "OK".equals(reply);
		}

		/**
		 * Moves the keys still on the source, assigns the slot to the target ({@code CLUSTER SETSLOT ... NODE} on
		 * the target, the source and every other master) and waits until all live nodes agree (up to 30 seconds).
		 * @throws IllegalStateException when the nodes do not agree in time
		 */
		public void finish() {
			for (List<String> keys = keys(); !keys.isEmpty(); keys = keys()) {
				keys.forEach(this::move);
			}
			String slotArg = Integer.toString(this.slot);
			Set<Node> assigned = new HashSet<>();
			for (Node node : List.of(this.target, this.source)) {
				command(node, "CLUSTER", "SETSLOT", slotArg, "NODE", this.target.nodeId());
				assigned.add(node);
			}
			for (Node master : masters()) {
				if (assigned.add(master)) {
					command(master, "CLUSTER", "SETSLOT", slotArg, "NODE", this.target.nodeId());
				}
			}
			awaitAgreement(DEFAULT_WAIT, (owners) -> this.target.nodeId().equals(owners[this.slot]));
		}

	}

	/**
	 * Builds and starts a {@link RedisClusterProcess}.
	 */
	public static final class Builder {

		private int masters = 3;

		private int replicasPerMaster = 1;

		private Duration nodeTimeout = Duration.ofSeconds(1);

		private boolean appendOnly = true;

		private Builder() {
		}

		/**
		 * Sets the number of masters (3 by default); the slots are split evenly between them.
		 * @param masters the number of masters, at least 1
		 * @return this builder
		 */
		public Builder masters(int masters) {
			if (masters < 1) {
				throw new IllegalArgumentException("A cluster needs at least one master");
			}
			this.masters = masters;
			return this;
		}

		/**
		 * Sets the number of replicas of each master (1 by default).
		 * @param replicasPerMaster the replicas per master, 0 or more
		 * @return this builder
		 */
		public Builder replicasPerMaster(int replicasPerMaster) {
			if (replicasPerMaster < 0) {
				throw new IllegalArgumentException("replicasPerMaster must not be negative");
			}
			this.replicasPerMaster = replicasPerMaster;
			return this;
		}

		/**
		 * Sets {@code cluster-node-timeout} (1 second by default): how long a node may be unreachable before a
		 * failover starts.
		 * @param nodeTimeout the node timeout
		 * @return this builder
		 */
		public Builder nodeTimeout(Duration nodeTimeout) {
			this.nodeTimeout = nodeTimeout;
			return this;
		}

		/**
		 * Sets whether the nodes keep an append-only file (on by default), so a killed node restarts with its data.
		 * @param appendOnly whether to persist writes to an AOF
		 * @return this builder
		 */
		public Builder appendOnly(boolean appendOnly) {
			this.appendOnly = appendOnly;
			return this;
		}

		/**
		 * Starts the nodes, forms the cluster and waits until it is ok (up to 30 seconds).
		 * @return the running cluster
		 * @throws IllegalStateException when a node does not start or the cluster does not form in time
		 */
		public RedisClusterProcess start() {
			List<Node> nodes = new ArrayList<>();
			try {
				int count = this.masters * (1 + this.replicasPerMaster);
				for (int i = 0; i < count; i++) {
					RedisServerProcess server = startNode();
					nodes.add(new Node(server, Objects.requireNonNull(
							RespClient.call(server.port(), "CLUSTER", "MYID")).toString()));
				}
				RedisClusterProcess cluster = new RedisClusterProcess(nodes, this.nodeTimeout);
				form(cluster, nodes);
				return cluster;
			}
			catch (RuntimeException ex) {
				nodes.forEach((node) -> node.server().close());
				throw ex;
			}
		}

		private void form(RedisClusterProcess cluster, List<Node> nodes) {
			for (int m = 0; m < this.masters; m++) {
				Node master = nodes.get(m);
				cluster.command(master, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(m + 1));
				int from = m * SLOTS / this.masters;
				int to = (m + 1) * SLOTS / this.masters;
				List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
				for (int slot = from; slot < to; slot++) {
					args.add(Integer.toString(slot));
				}
				cluster.command(master, args.toArray(String[]::new));
			}
			Node first = nodes.get(0);
			for (Node node : nodes.subList(1, nodes.size())) {
				cluster.command(first, "CLUSTER", "MEET", HOST, Integer.toString(node.port()));
			}
			awaitAllKnown(nodes);
			for (int r = 0; r < this.masters * this.replicasPerMaster; r++) {
				Node replica = nodes.get(this.masters + r);
				Node master = nodes.get(r / this.replicasPerMaster);
				cluster.command(replica, "CLUSTER", "REPLICATE", master.nodeId());
			}
			cluster.waitForClusterOk(DEFAULT_WAIT);
		}

		private static void awaitAllKnown(List<Node> nodes) {
			long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
			while (true) {
				String missing = null;
				for (Node node : nodes) {
					ClusterView view = ClusterView.parse(
							Objects.requireNonNull((String) RespClient.call(node.port(), "CLUSTER", "NODES")));
					if (!view.knowsAllOf(nodes)) {
						missing = node + " does not yet know every node: " + view;
						break;
					}
				}
				if (missing == null) {
					return;
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Redis Cluster nodes did not meet: " + missing);
				}
				sleep(20);
			}
		}

		private RedisServerProcess startNode() {
			IllegalStateException last = null;
			for (int attempt = 0; attempt < 20; attempt++) {
				int port = freeClusterPort();
				try {
					RedisServerProcess server = RedisServerProcess.builder()
						.port(port)
						.appendOnly(this.appendOnly)
						.args("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
								"--cluster-node-timeout", Long.toString(this.nodeTimeout.toMillis()),
								"--cluster-replica-validity-factor", "0", "--repl-diskless-sync-delay", "0")
						.start();
					if (isOurs(server)) {
						return server;
					}
					server.close();
				}
				catch (IllegalStateException ex) {
					last = ex;
				}
			}
			throw new IllegalStateException("Cannot start a Redis Cluster node", last);
		}

		/**
		 * Whether the server answering on the port is the process just started, not another one that took the
		 * port between the check and the start.
		 */
		private static boolean isOurs(RedisServerProcess server) {
			Object info = RespClient.call(server.port(), "INFO", "server");
			return Long.toString(server.pid()).equals(field(String.valueOf(info), "process_id"));
		}

		private static int freeClusterPort() {
			for (int attempt = 0; attempt < 1000; attempt++) {
				int port = ThreadLocalRandom.current().nextInt(LOWEST_PORT, HIGHEST_PORT + 1);
				if (isFree(port) && isFree(port + BUS_PORT_OFFSET)) {
					return port;
				}
			}
			throw new IllegalStateException("No free port pair (port, port + 10000) between " + LOWEST_PORT + " and "
					+ HIGHEST_PORT);
		}

		private static boolean isFree(int port) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

	/**
	 * One node's {@code CLUSTER NODES} answer.
	 */
	private record ClusterView(List<Entry> entries) {

		static ClusterView parse(String clusterNodes) {
			List<Entry> entries = new ArrayList<>();
			for (String line : clusterNodes.split("\n")) {
				if (!line.isBlank()) {
					entries.add(Entry.parse(line.strip()));
				}
			}
			return new ClusterView(entries);
		}

		@Nullable Entry entry(String nodeId) {
			return this.entries.stream().filter((entry) -> entry.nodeId().equals(nodeId)).findFirst().orElse(null);
		}

		Entry myself() {
			return this.entries.stream()
				.filter((entry) -> entry.flags().contains("myself"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No 'myself' line in CLUSTER NODES"));
		}

		String[] owners() {
			String[] owners = new String[SLOTS];
			for (Entry entry : this.entries) {
				for (int[] range : entry.slots()) {
					Arrays.fill(owners, range[0], range[1] + 1, entry.nodeId());
				}
			}
			return owners;
		}

		boolean knowsAllOf(List<Node> nodes) {
			for (Node node : nodes) {
				Entry entry = entry(node.nodeId());
				if (entry == null || entry.flags().contains("handshake") || entry.flags().contains("noaddr")
						|| !entry.connected()) {
					return false;
				}
			}
			return true;
		}

		/**
		 * One line: {@code <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <config-epoch>
		 * <link-state> <slot> <slot> ...}; slots in migration ({@code [slot->-id]}) are skipped.
		 */
		record Entry(String nodeId, Set<String> flags, @Nullable String masterId, boolean connected,
				List<int[]> slots) {

			static Entry parse(String line) {
				String[] fields = line.split(" ");
				Set<String> flags = Set.of(fields[2].split(","));
				String masterId = "-".equals(fields[3]) ? null : fields[3];
				List<int[]> slots = new ArrayList<>();
				for (int i = 8; i < fields.length; i++) {
					String slot = fields[i];
					if (slot.startsWith("[")) {
						continue;
					}
					int dash = slot.indexOf('-');
					int from = Integer.parseInt((dash < 0) ? slot : slot.substring(0, dash));
					int to = (dash < 0) ? from : Integer.parseInt(slot.substring(dash + 1));
					slots.add(new int[] { from, to });
				}
				return new Entry(fields[0], flags, masterId, "connected".equals(fields[7]), slots);
			}

			boolean failing() {
				return this.flags.contains("fail") || this.flags.contains("fail?");
			}

		}

	}

}
