package dev.delayqueue.web;

import java.util.Set;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.delayqueue.CallbackReceiver.Answer;
import dev.delayqueue.CallbackReceiver;
import dev.delayqueue.TestRedis;

/**
 * A real server (Tomcat on a random port) with both endpoint families, a real Redis and a real callback receiver,
 * shared by the endpoint tests.
 */
@SpringBootTest(classes = EndpointTestSupport.Server.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "delayqueue.web.enabled=true", "delayqueue.web.httpqueue.enabled=true",
				"delayqueue.web.token=" + EndpointTestSupport.TOKEN, "delayqueue.web.max-request-size=64KB",
				"delayqueue.max-body-size=16KB", "delayqueue.http.timeout=1s",
				"delayqueue.defaults.retry.initial-interval=100ms", "delayqueue.defaults.retry.max-attempts=3",
				"delayqueue.defaults.retry.jitter=0" })
abstract class EndpointTestSupport {

	static final String TOKEN = "test-token-0123456789";

	static final String PREFIX = TestRedis.uniquePrefix();

	static final CallbackReceiver receiver = new CallbackReceiver((call) -> Answer.of(200, "ok"));

	@LocalServerPort
	int port;

	@Autowired
	StringRedisTemplate redis;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", TestRedis::port);
		registry.add("delayqueue.redis.key-prefix", () -> PREFIX);
	}

	Client client() {
		return new Client(this.port, TOKEN);
	}

	Set<String> keys() {
		return this.redis.keys(PREFIX + ":*");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Server {

	}

}
