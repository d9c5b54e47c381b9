package dev.delayqueue.docs.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.handler.DelayedJobHandler;

/**
 * An application with one handler, for the testing page.
 */
@SpringBootApplication
class ReminderApplication {

	/**
	 * Sends reminders; remembers what it sent.
	 */
	@Component
	static class Reminders {

		final List<String> sent = new CopyOnWriteArrayList<>();

		@DelayedJobHandler(topic = "reminder")
		void send(DelayedJob job) {
			this.sent.add(job.id());
		}

	}

}
