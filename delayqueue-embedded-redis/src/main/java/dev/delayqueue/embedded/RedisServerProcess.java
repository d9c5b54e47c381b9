package dev.delayqueue.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} process on a free loopback port, owned by this JVM.
 * <p>
 * The binary is, in order: the file named by the {@code DELAYQUEUE_REDIS_SERVER} environment variable or
 * {@code delayqueue.redis-server} system property; {@code redis-server} on the {@code PATH} when it answers
 * {@code --version}; otherwise the binary shipped in {@code com.github.codemonstur:embedded-redis}, extracted
 * to a temporary file. So tests and samples run on a machine that has only a JDK and Maven.
 * <p>
 * Besides {@link #close()}, the process can be killed ({@code SIGKILL}), paused ({@code SIGSTOP}) and restarted
 * on the same port and data directory, for fault-injection tests.
 *
 * @since 0.1.0
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final Path binary;

	private final Path dataDir;

	private final @Nullable Path configFile;

	private final boolean appendOnly;

	private final List<String> extraArgs;

	private int port;

	private @Nullable Process process;

	private RedisServerProcess(Builder builder) {
		this.binary = builder.binary != null ? builder.binary : findBinary();
		try {
			this.dataDir = builder.dataDir != null ? builder.dataDir : Files.createTempDirectory("delayqueue-redis-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a data directory for redis-server", ex);
		}
		this.configFile = builder.configFile;
		this.appendOnly = builder.appendOnly;
		this.extraArgs = List.copyOf(builder.extraArgs);
		this.port = builder.port;
	}

	/**
	 * Starts a server without persistence on a free port.
	 * @return the running server
	 */
	public static RedisServerProcess start() {
		return builder().start();
	}

	/**
	 * Returns a builder for a server with persistence, a fixed port or extra arguments.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns a {@code redis://} URL for the server, suitable for {@code spring.data.redis.url}.
	 * @return the URL
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * Returns the directory the server runs in: its {@code dir}, holding its log, AOF and, for a cluster node,
	 * {@code nodes.conf}.
	 * @return the data directory
	 */
	public Path dataDir() {
		return this.dataDir;
	}

	/**
	 * Returns the binary this server runs.
	 * @return the path of the {@code redis-server} binary
	 */
	public Path binary() {
		return this.binary;
	}

	/**
	 * Returns the process id of the running server.
	 * @return the pid
	 * @throws IllegalStateException when the server is not running
	 */
	public long pid() {
		return runningProcess().pid();
	}

	/**
	 * Returns whether the server process is alive.
	 * @return whether it is running
	 */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * Kills the server with {@code SIGKILL}: no shutdown save, exactly as a crash.
	 */
	public synchronized void kill() {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			waitFor(current);
			this.process = null;
		}
	}

	/**
	 * Stops the server with {@code SIGSTOP}: connections stay open and nothing is answered until {@link #resume()}.
	 */
	public void pause() {
		signal("STOP");
	}

	/**
	 * Continues a server stopped by {@link #pause()}.
	 */
	public void resume() {
		signal("CONT");
	}

	/**
	 * Starts the server again on the same port and data directory, after {@link #kill()} or {@link #close()}.
	 */
	public synchronized void restart() {
		if (isRunning()) {
			throw new IllegalStateException("redis-server is still running on port " + this.port);
		}
		launch();
	}

	/**
	 * Stops the server ({@code SIGTERM}) and waits for it to exit.
	 */
	@Override
	public synchronized void close() {
		Process current = this.process;
		if (current != null) {
			current.destroy();
			if (!waitFor(current)) {
				current.destroyForcibly();
				waitFor(current);
			}
			this.process = null;
		}
	}

	private synchronized RedisServerProcess launch() {
		List<String> command = new ArrayList<>();
		command.add(this.binary.toString());
		if (this.configFile != null) {
			command.add(this.configFile.toString());
		}
		command.addAll(List.of("--port", Integer.toString(this.port), "--bind", "127.0.0.1", "--protected-mode", "no",
				"--dir", this.dataDir.toString(), "--logfile", "redis.log", "--save", ""));
		if (this.appendOnly) {
			command.addAll(List.of("--appendonly", "yes", "--appendfsync", "everysec"));
		}
		else {
			command.addAll(List.of("--appendonly", "no"));
		}
		command.addAll(this.extraArgs);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.dataDir.resolve("redis.out").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + this.binary + ": " + ex.getMessage(), ex);
		}
		awaitPong(runningProcess());
		return this;
	}

	private void awaitPong(Process started) {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				throw new IllegalStateException("redis-server exited with code " + started.exitValue()
						+ " on port " + this.port + ": " + logTail());
			}
			if (ping(this.port)) {
				return;
			}
			sleep(20);
		}
		started.destroyForcibly();
		throw new IllegalStateException("redis-server did not answer PING on port " + this.port + " within "
				+ START_TIMEOUT.toSeconds() + "s: " + logTail());
	}

	private String logTail() {
		StringBuilder tail = new StringBuilder();
		for (String name : List.of("redis.out", "redis.log")) {
			Path file = this.dataDir.resolve(name);
			try {
				if (Files.exists(file)) {
					List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
					lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach((l) -> tail.append(l).append('\n'));
				}
			}
			catch (IOException ex) {
				tail.append("(cannot read ").append(file).append(")\n");
			}
		}
		return tail.toString().strip();
	}

	private Process runningProcess() {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("redis-server is not running");
		}
		return current;
	}

	private void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + signal + " failed for redis-server pid " + pid());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling redis-server", ex);
		}
	}

	/**
	 * Sends {@code PING} to a Redis server on the loopback interface.
	 * @param port the port
	 * @return whether it answered {@code +PONG}
	 */
	static boolean ping(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			byte[] reply = new byte[7];
			int read = socket.getInputStream().readNBytes(reply, 0, 7);
			return read == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean waitFor(Process process) {
		try {
			return process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot find a free port", ex);
		}
	}

	/**
	 * Finds the {@code redis-server} binary to run (see the class description).
	 * @return the path of a binary that answers {@code --version}
	 */
	public static Path findBinary() {
		String configured = System.getProperty("delayqueue.redis-server", System.getenv("DELAYQUEUE_REDIS_SERVER"));
		if (configured != null && !configured.isBlank()) {
			Path path = Path.of(configured);
			if (!answersVersion(path)) {
				throw new IllegalStateException("The redis-server named by DELAYQUEUE_REDIS_SERVER / "
						+ "delayqueue.redis-server (" + configured + ") does not run: check the path");
			}
			return path;
		}
		String pathEnv = System.getenv("PATH");
		if (pathEnv != null) {
			for (String dir : pathEnv.split(File.pathSeparator)) {
				Path candidate = Path.of(dir, "redis-server");
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate) && answersVersion(candidate)) {
					return candidate;
				}
			}
		}
		return ShippedBinary.PATH;
	}

	private static boolean answersVersion(Path binary) {
		try {
			Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && out.contains("Redis server");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** The binary from the embedded-redis jar, extracted once per JVM. */
	private static final class ShippedBinary {

		static final Path PATH = extract();

		private static Path extract() {
			String resource = resourceName();
			try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(resource)) {
				if (in == null) {
					throw new IllegalStateException("No redis-server on the PATH and no " + resource
							+ " on the classpath: install redis-server or add com.github.codemonstur:embedded-redis");
				}
				Path dir = Files.createTempDirectory("delayqueue-redis-bin-");
				Path target = dir.resolve(resource);
				Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
				if (!target.toFile().setExecutable(true)) {
					throw new IllegalStateException("Cannot make " + target + " executable");
				}
				target.toFile().deleteOnExit();
				dir.toFile().deleteOnExit();
				return target;
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot extract " + resource, ex);
			}
		}

		private static String resourceName() {
			String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
			String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
			boolean arm = arch.contains("aarch64") || arch.contains("arm");
			if (os.contains("mac")) {
				return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
			}
			if (os.contains("win")) {
				return "redis-server-5.0.14.1-windows-amd64.exe";
			}
			if (arm) {
				return "redis-server-6.2.7-linux-arm64";
			}
			return arch.contains("64") ? "redis-server-6.2.6-v5-linux-amd64" : "redis-server-6.2.7-linux-386";
		}

	}

	/**
	 * Builds a {@link RedisServerProcess}.
	 */
	public static final class Builder {

		private int port;

		private @Nullable Path dataDir;

		private @Nullable Path binary;

		private @Nullable Path configFile;

		private boolean appendOnly;

		private final List<String> extraArgs = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Listens on this port instead of a free one.
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * Keeps data (AOF) in this directory instead of a new temporary one.
		 * @param dataDir the directory
		 * @return this builder
		 */
		public Builder dataDir(Path dataDir) {
			this.dataDir = dataDir;
			return this;
		}

		/**
		 * Runs this binary instead of the one {@link RedisServerProcess#findBinary()} finds.
		 * @param binary the {@code redis-server} binary
		 * @return this builder
		 */
		public Builder binary(Path binary) {
			this.binary = binary;
			return this;
		}

		/**
		 * Passes this configuration file to {@code redis-server} as its first argument, before the options this
		 * class sets (which override it). Needed for Sentinel, which rewrites the file it was started with.
		 * @param configFile the configuration file
		 * @return this builder
		 */
		public Builder configFile(Path configFile) {
			this.configFile = configFile;
			return this;
		}

		/**
		 * Turns the append-only file on, with {@code appendfsync everysec}.
		 * @param appendOnly whether to persist writes to an AOF
		 * @return this builder
		 */
		public Builder appendOnly(boolean appendOnly) {
			this.appendOnly = appendOnly;
			return this;
		}

		/**
		 * Adds {@code redis-server} arguments, for example {@code "--maxmemory", "10mb"}.
		 * @param args the arguments
		 * @return this builder
		 */
		public Builder args(String... args) {
			this.extraArgs.addAll(List.of(args));
			return this;
		}

		/**
		 * Starts the server and waits until it answers {@code PING}.
		 * @return the running server
		 */
		public RedisServerProcess start() {
			boolean fixedPort = this.port != 0;
			IllegalStateException last = null;
			for (int attempt = 0; attempt < (fixedPort ? 1 : 3); attempt++) {
				RedisServerProcess server = new RedisServerProcess(this);
				if (!fixedPort) {
					server.port = freePort();
				}
				try {
					return server.launch();
				}
				catch (IllegalStateException ex) {
					last = ex;
				}
			}
			throw last;
		}

	}

}
