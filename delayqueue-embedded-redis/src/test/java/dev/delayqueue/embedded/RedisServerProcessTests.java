package dev.delayqueue.embedded;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RedisServerProcessTests {

	@Test
	void startsAnswersAndStops() {
		try (RedisServerProcess server = RedisServerProcess.start()) {
			assertThat(RedisServerProcess.ping(server.port())).isTrue();
			assertThat(server.url()).isEqualTo("redis://127.0.0.1:" + server.port());
		}
	}

	@Test
	void pausedServerDoesNotAnswerUntilResumed() {
		try (RedisServerProcess server = RedisServerProcess.start()) {
			server.pause();
			assertThat(RedisServerProcess.ping(server.port())).isFalse();
			server.resume();
			assertThat(RedisServerProcess.ping(server.port())).isTrue();
		}
	}

	@Test
	void restartsOnTheSamePortAfterKill(@TempDir Path dir) {
		try (RedisServerProcess server = RedisServerProcess.builder().dataDir(dir).appendOnly(true).start()) {
			int port = server.port();
			server.kill();
			assertThat(server.isRunning()).isFalse();
			assertThat(RedisServerProcess.ping(port)).isFalse();
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			assertThat(RedisServerProcess.ping(port)).isTrue();
		}
	}

}
