package dev.delayqueue.samples.ordertimeout;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sample settings ({@code orders.*}).
 *
 * @param paymentTimeout how long an order may stay unpaid before it is cancelled
 */
@ConfigurationProperties("orders")
public record OrderProperties(Duration paymentTimeout) {

	public OrderProperties {
		if (paymentTimeout == null) {
			paymentTimeout = Duration.ofSeconds(10);
		}
	}

}
