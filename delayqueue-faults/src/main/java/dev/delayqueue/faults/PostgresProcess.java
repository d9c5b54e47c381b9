package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own for a test: {@code initdb} into a new directory and {@code pg_ctl start} on a free
 * loopback port, with Debian's {@code postgresql} package ({@code /usr/lib/postgresql/<version>/bin}, or
 * {@code initdb} on the {@code PATH}). As root, which PostgreSQL refuses, the server runs as the {@code postgres}
 * user through {@code runuser}. fsync is off: a test's database need not survive a power cut.
 */
public final class PostgresProcess implements AutoCloseable {

	private final Path bin;

	private final Path dir;

	private final Path data;

	private volatile @org.jspecify.annotations.Nullable Thread stopAtExit;

	private final int port;

	private final boolean asPostgres;

	private PostgresProcess(Path bin, Path data, int port, boolean asPostgres) {
		this.bin = bin;
		this.dir = data.getParent();
		this.data = data;
		this.port = port;
		this.asPostgres = asPostgres;
	}

	/**
	 * Returns where PostgreSQL's programs are, if it is installed.
	 * @return the directory holding {@code initdb} and {@code pg_ctl}
	 */
	public static Optional<Path> binaries() {
		Path debian = Path.of("/usr/lib/postgresql");
		if (Files.isDirectory(debian)) {
			try (Stream<Path> versions = Files.list(debian)) {
				Optional<Path> newest = versions.map((version) -> version.resolve("bin"))
					.filter((bin) -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
					.max(Comparator.comparing((bin) -> versionOf(bin.getParent().getFileName().toString())));
				if (newest.isPresent()) {
					return newest;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
			.map(Path::of)
			.filter((dir) -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")))
			.findFirst();
	}

	/**
	 * Whether PostgreSQL is installed here.
	 * @return whether {@link #start()} can work
	 */
	public static boolean available() {
		return binaries().isPresent();
	}

	/**
	 * Initialises a database directory and starts a server on a free port; returns once it accepts connections.
	 * @return the running server
	 * @throws IllegalStateException when PostgreSQL is not installed or does not start
	 */
	public static PostgresProcess start() {
		Path bin = binaries().orElseThrow(() -> new IllegalStateException(
				"PostgreSQL is not installed: apt-get install postgresql (initdb and pg_ctl are needed)"));
		boolean root = "root".equals(System.getProperty("user.name"));
		try {
			Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "delayqueue-pg",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
			Path data = dir.resolve("data");
			if (root) {
				run(List.of("chown", "postgres:postgres", dir.toString()), 30);
			}
			PostgresProcess server = new PostgresProcess(bin, data, 0, root);
			server.command(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A",
					"trust", "-E", "UTF8", "--no-sync", "--no-instructions"), 120);
			IllegalStateException last = null;
			for (int attempt = 0; attempt < 5; attempt++) {
				int port = freePort();
				PostgresProcess started = new PostgresProcess(bin, data, port, root);
				try {
					started.command(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
							dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
							"-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off "
									+ "-c synchronous_commit=off -c full_page_writes=off",
							"start"), 90);
					// pg_ctl leaves the server running on its own: stopped with this JVM, whatever ends it
					Thread hook = new Thread(started::stopServer, "postgres-" + port + "-stop");
					Runtime.getRuntime().addShutdownHook(hook);
					started.stopAtExit = hook;
					return started;
				}
				catch (IllegalStateException ex) {
					last = ex;
				}
			}
			deleteQuietly(dir);
			throw last;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the JDBC URL of the {@code postgres} database, user {@code postgres}, no password.
	 * @return the URL
	 */
	public String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres?user=postgres";
	}

	/**
	 * Returns the port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/** Stops the server at once ({@code pg_ctl stop -m immediate}) and deletes its directory. */
	@Override
	public void close() {
		stopServer();
		Thread hook = this.stopAtExit;
		if (hook != null) {
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// the JVM is exiting: the hook runs anyway
			}
		}
		deleteQuietly(this.dir);
	}

	private void stopServer() {
		try {
			command(List.of(this.bin.resolve("pg_ctl").toString(), "-D", this.data.toString(), "-m", "immediate",
					"stop"), 60);
		}
		catch (IllegalStateException ex) {
			// already stopped
		}
	}

	private static void deleteQuietly(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// left for the system's temporary files clean-up
		}
	}

	private void command(List<String> command, long timeoutSeconds) {
		List<String> full = new ArrayList<>();
		if (this.asPostgres) {
			full.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		full.addAll(command);
		run(full, timeoutSeconds);
	}

	private static void run(List<String> command, long timeoutSeconds) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " did not end in " + timeoutSeconds + " s");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
						+ new String(output));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted running " + command, ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static int versionOf(String name) {
		try {
			return Integer.parseInt(name);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
