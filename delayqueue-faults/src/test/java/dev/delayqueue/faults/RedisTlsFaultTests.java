package dev.delayqueue.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobRequest;
import dev.delayqueue.embedded.RedisServerProcess;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * delayqueue over TLS to a real {@code redis-server} ({@code rediss}, a Spring Boot SSL bundle trusting a
 * certificate this test generates with {@code openssl}): jobs are scheduled, woken up by pub/sub and delivered on
 * time, every connection on the TLS port. Skipped where {@code redis-server} was built without TLS (the embedded
 * artifact's 6.2 binary) or {@code openssl} is missing.
 */
class RedisTlsFaultTests {

	@TempDir
	Path dir;

	@Test
	void jobsAreScheduledWokenAndDeliveredOverTls() throws Exception {
		Path cert = this.dir.resolve("cert.pem");
		Path key = this.dir.resolve("key.pem");
		assumeThat(openssl(cert, key)).as("openssl to make a certificate").isTrue();
		int tlsPort = freePort();
		RedisServerProcess redis;
		try {
			redis = RedisServerProcess.builder()
				.dataDir(Files.createDirectories(this.dir.resolve("redis")))
				.args("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", cert.toString(), "--tls-key-file",
						key.toString(), "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no")
				.start();
		}
		catch (IllegalStateException ex) {
			assumeThat(false).as("redis-server with TLS (%s)", ex.getMessage()).isTrue();
			return;
		}
		Handler.delivered.clear();
		try (redis;
				ConfigurableApplicationContext context = new SpringApplication(Server.class).run(
						"--spring.main.web-application-type=none", "--spring.data.redis.host=localhost",
						"--spring.data.redis.port=" + tlsPort, "--spring.data.redis.ssl.enabled=true",
						"--spring.data.redis.ssl.bundle=redis",
						"--spring.ssl.bundle.pem.redis.truststore.certificate=file:" + cert,
						"--delayqueue.redis.key-prefix=tls", "--delayqueue.worker.poll-interval=30s")) {
			DelayQueue queue = context.getBean(DelayQueue.class);
			Instant due = Instant.now().plusMillis(500);
			for (int i = 0; i < 20; i++) {
				queue.schedule(JobRequest.builder("tls", "job-" + i).at(due.plusMillis(50L * i)).build());
			}
			FaultSupport.await(() -> Handler.delivered.size() == 20, Duration.ofSeconds(10), "delivered over TLS");
			long worst = Handler.delivered.values().stream().mapToLong(Long::longValue).max().orElseThrow();
			// the 30 s poll never ran: wake-ups over TLS delivered every job
			assertThat(worst).as("worst lateness (ms)").isLessThan(1_000);
			FaultSupport.write(String.format("| Redis over TLS (rediss, SSL bundle, generated certificate) | 20 | 20 | 0 "
					+ "| 0 | 0 | %,d ms | scheduled, woken by pub/sub (poll 30 s) and delivered over TLS |", worst));
		}
	}

	private static boolean openssl(Path cert, Path key) throws InterruptedException {
		try {
			Process process = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
					key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost", "-addext",
					"subjectAltName=DNS:localhost,IP:127.0.0.1")
				.redirectErrorStream(true)
				.start();
			process.getInputStream().readAllBytes();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 && Files.exists(cert);
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handler.class)
	static class Server {

	}

	static class Handler {

		static final Map<String, Long> delivered = new ConcurrentHashMap<>();

		@DelayedJobHandler(topic = "tls")
		void deliver(DelayedJob job) {
			delivered.put(job.id(), System.currentTimeMillis() - job.dueAt().toEpochMilli());
		}

	}

}
