package dev.delayqueue.docs.testing;

// tag::test[]
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.embedded.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest
class RemindersTests {

	static final RedisServerProcess redis = RedisServerProcess.start();   // a free port, a temporary directory

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", redis::url);
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Autowired DelayQueue delayQueue;
	@Autowired ReminderApplication.Reminders reminders;

	@Test
	void aReminderIsSentOnceAtItsDueTime() {
		delayQueue.schedule("reminder", "r-1", "call back", Duration.ofMillis(200));
		await().atMost(Duration.ofSeconds(5)).until(() -> reminders.sent.contains("r-1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> delayQueue.get("reminder", "r-1").isEmpty());  // and deleted
		assertThat(reminders.sent).containsExactly("r-1");
	}

}
// end::test[]
