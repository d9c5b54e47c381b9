package dev.delayqueue.samples.ordertimeout;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Sample: an order left unpaid for {@code orders.payment-timeout} is cancelled by a delayed job; paying cancels the
 * job. Without {@code spring.data.redis.url} it starts a local Redis server of its own.
 */
@SpringBootApplication
@EnableConfigurationProperties(OrderProperties.class)
public class OrderTimeoutApplication {

	public static void main(String[] args) {
		SpringApplication.run(OrderTimeoutApplication.class, args);
	}

}
