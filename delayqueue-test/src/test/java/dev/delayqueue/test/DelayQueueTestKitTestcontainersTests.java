package dev.delayqueue.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import dev.delayqueue.DelayQueue;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test kit on a Redis in a container, for builds that have Docker: Spring Boot's {@code @ServiceConnection}
 * points the application at it (over the kit's own server, which is started all the same). Skipped without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = DelayQueueTestKitTests.Application.class)
@AutoConfigureDelayQueueTestKit
class DelayQueueTestKitTestcontainersTests {

	@Container
	@ServiceConnection(name = "redis")
	static final GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7.4-alpine"))
		.withExposedPorts(6379);

	@Autowired
	DelayQueueTestKit kit;

	@Autowired
	DelayQueue queue;

	@Autowired
	DelayQueueTestKitTests.Handlers handlers;

	@Test
	void thirtyMinutesPassOnARedisInAContainer() {
		this.queue.schedule("order", "in-a-container", null, Duration.ofMinutes(30));
		this.kit.advance(Duration.ofMinutes(30));
		assertThat(this.handlers.ran).contains("order in-a-container");
	}

}
