package dev.delayqueue.samples.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The standalone delay-queue server that replaces delay_queue_callback and httpqueue: {@code /job} and httpqueue's
 * {@code /create}, {@code /delete}, {@code /query}, delivering due jobs to their HTTP callbacks. It is nothing but
 * the delayqueue starter with both endpoint families switched on (see {@code application.properties}). Run it with
 * {@code --spring.data.redis.url=redis://host:6379}; without one it starts a local Redis server of its own.
 */
@SpringBootApplication
public class DelayQueueServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(DelayQueueServerApplication.class, args);
	}

}
