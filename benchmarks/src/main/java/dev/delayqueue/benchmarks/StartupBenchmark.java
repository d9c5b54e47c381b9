package dev.delayqueue.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * 7. What the starter adds to the startup of an otherwise empty Spring Boot application: the same
 * {@link StartupProbe} started in fresh JVMs with and without delayqueue (and Spring Data Redis) on the classpath,
 * alternating; time from JVM start to {@code ApplicationReadyEvent}.
 */
final class StartupBenchmark {

	private static final List<String> DELAYQUEUE_JARS = List.of("delayqueue-", "spring-data-redis", "spring-data-commons",
			"spring-data-keyvalue", "lettuce", "spring-boot-data-redis", "spring-boot-starter-data-redis",
			"spring-boot-data-commons", "spring-messaging", "spring-oxm", "spring-tx", "reactor-core", "netty");

	private static final List<String> NEVER = List.of("redisson", "webflux", "reactor-netty", "spring-boot-webclient",
			"spring-boot-starter-webclient", "spring-boot-http-client", "spring-boot-http-codec", "spring-boot-reactor",
			"kryo", "byte-buddy", "jodd", "cache-api", "rxjava", "javax.cache", "jboss-marshalling");

	private StartupBenchmark() {
	}

	static Benchmarks.Row run(int redisPort, int runs) throws Exception {
		Path self = self();
		List<Path> lib = libraries(self);
		List<Path> with = new ArrayList<>(List.of(self));
		lib.stream().filter((p) -> NEVER.stream().noneMatch(p.getFileName().toString()::contains)).forEach(with::add);
		List<Path> without = with.stream()
			.filter((p) -> p.equals(self)
					|| DELAYQUEUE_JARS.stream().noneMatch(p.getFileName().toString()::startsWith))
			.toList();
		List<Double> withStarter = new ArrayList<>();
		List<Double> withoutStarter = new ArrayList<>();
		for (int i = 0; i < runs; i++) {
			if (i % 2 == 0) {
				withStarter.add(start(with, redisPort));
				withoutStarter.add(start(without, redisPort));
			}
			else {
				withoutStarter.add(start(without, redisPort));
				withStarter.add(start(with, redisPort));
			}
		}
		double added = Stats.median(withStarter) - Stats.median(withoutStarter);
		Map<String, List<Double>> results = new LinkedHashMap<>();
		results.put("delayqueue", List.of(added));
		System.out.printf("  startup ms with starter %s, without %s%n", withStarter, withoutStarter);
		return Benchmarks.Row.lower("7. startup time the starter adds to an empty Boot app (ms)", results, Double.NaN,
				String.format(Locale.ROOT, "median of %d JVM starts each: %.0f ms with, %.0f ms without",
						runs, Stats.median(withStarter), Stats.median(withoutStarter)));
	}

	private static double start(List<Path> classpath, int redisPort) throws IOException, InterruptedException {
		String cp = classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
				StartupProbe.class.getName(), "--spring.data.redis.port=" + redisPort)
			.redirectErrorStream(true)
			.start();
		String ready = null;
		StringBuilder output = new StringBuilder();
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
			String line;
			while ((line = reader.readLine()) != null) {
				output.append(line).append('\n');
				if (line.startsWith(StartupProbe.READY)) {
					ready = line.substring(StartupProbe.READY.length()).trim();
				}
			}
		}
		process.waitFor();
		if (ready == null) {
			throw new IllegalStateException("startup probe failed:\n" + output);
		}
		return Double.parseDouble(ready);
	}

	/** The benchmark's own jar (or classes folder). */
	private static Path self() throws URISyntaxException {
		return Path.of(StartupBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
	}

	/** Every jar in {@code lib/} beside the benchmark's jar (or its classes folder). */
	private static List<Path> libraries(Path self) throws IOException {
		List<Path> paths = new ArrayList<>();
		try (Stream<Path> jars = Files.list(self.getParent().resolve("lib"))) {
			jars.filter((p) -> p.toString().endsWith(".jar")).sorted().forEach(paths::add);
		}
		return paths;
	}

}
