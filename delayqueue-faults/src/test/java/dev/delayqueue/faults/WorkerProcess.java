package dev.delayqueue.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FaultWorkerApplication} in its own JVM, started with the test's classpath, killed with SIGKILL or
 * stopped with SIGTERM.
 */
final class WorkerProcess implements AutoCloseable {

	private final Process process;

	private final String instance;

	private final Path log;

	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
	}

	private WorkerProcess(Process process, String instance, Path log) {
		LIVE.add(process);
		this.process = process;
		this.instance = instance;
		this.log = log;
	}

	static WorkerProcess start(Path dir, String instance, RedisConnection redis, String prefix, String... properties) {
		return start(dir, instance, Map.of(), redis, prefix, properties);
	}

	/**
	 * Starts a worker JVM with extra environment variables, for example libfaketime's ({@link #faketime}).
	 */
	static WorkerProcess start(Path dir, String instance, Map<String, String> environment, RedisConnection redis,
			String prefix, String... properties) {
		return start(FaultWorkerApplication.class, dir, instance, environment, redis, prefix, properties);
	}

	/**
	 * Starts a JVM running another application of this module, {@link OutboxApplication} say.
	 */
	static WorkerProcess start(Class<?> application, Path dir, String instance, Map<String, String> environment,
			RedisConnection redis, String prefix, String... properties) {
		Path log = dir.resolve(instance + ".log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
				System.getProperty("java.class.path"), application.getName(),
				"--delayqueue.redis.key-prefix=" + prefix, "--faults.log=" + log, "--faults.instance=" + instance));
		for (String property : redis.properties()) {
			command.add("--" + property);
		}
		for (String property : properties) {
			command.add("--" + property);
		}
		try {
			ProcessBuilder builder = new ProcessBuilder(command);
			builder.environment().putAll(environment);
			Process process = builder.redirectErrorStream(true)
				.redirectOutput(dir.resolve(instance + ".out").toFile())
				.start();
			return new WorkerProcess(process, instance, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	WorkerProcess awaitReady() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		Path ready = Path.of(this.log + ".ready");
		while (!Files.exists(ready)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("worker " + this.instance + " exited with " + this.process.exitValue()
						+ ": " + output());
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("worker " + this.instance + " not ready in 60 s: " + output());
			}
			sleep(50);
		}
		return this;
	}

	/** Debian's libfaketime, which the clock scenarios preload into worker JVMs. */
	static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

	/**
	 * The environment that runs a JVM with its wall clock moved by {@code offset} (libfaketime, preloaded; the
	 * monotonic clock, which the JVM's {@code nanoTime} and its timed waits read, left alone). Without
	 * {@code FAKETIME_FORCE_MONOTONIC_FIX=0}, Debian's libfaketime 0.9.10 makes every timed wait of the JVM
	 * ({@code Object.wait}, {@code LockSupport.parkNanos}) return at once, so the JVM spins on both cores.
	 */
	static Map<String, String> faketime(Duration offset) {
		return Map.of("LD_PRELOAD", LIBFAKETIME.toString(), "FAKETIME",
				((offset.isNegative()) ? "-" : "+") + Math.abs(offset.toSeconds()) + "s", "FAKETIME_DONT_FAKE_MONOTONIC",
				"1", "FAKETIME_FORCE_MONOTONIC_FIX", "0", "FAKETIME_DONT_RESET", "1");
	}

	/** The offset to Redis's time the worker's clock measured at startup, from its ready file. */
	String readyLine() {
		try {
			return Files.readString(Path.of(this.log + ".ready")).trim();
		}
		catch (IOException ex) {
			return "(not ready: " + ex + ")";
		}
	}

	String instance() {
		return this.instance;
	}

	/** The process id, for {@code jstack} while a test is stuck. */
	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** SIGKILL: no shutdown hook, no release, jobs in flight stay claimed until their lease runs out. */
	void kill() {
		this.process.destroyForcibly();
		waitFor(10);
		LIVE.remove(this.process);
	}

	/** SIGTERM: the application shuts down gracefully. */
	long terminate(long timeoutSeconds) {
		long start = System.nanoTime();
		this.process.destroy();
		if (!waitFor(timeoutSeconds)) {
			throw new IllegalStateException("worker " + this.instance + " still running " + timeoutSeconds
					+ " s after SIGTERM: " + output());
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	int exitValue() {
		return this.process.exitValue();
	}

	String output() {
		try {
			Path out = this.log.resolveSibling(this.instance + ".out");
			List<String> lines = Files.exists(out) ? Files.readAllLines(out) : List.of();
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no output: " + ex + ")";
		}
	}

	private boolean waitFor(long seconds) {
		try {
			return this.process.waitFor(seconds, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
