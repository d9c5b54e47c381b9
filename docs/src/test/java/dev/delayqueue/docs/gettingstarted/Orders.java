package dev.delayqueue.docs.gettingstarted;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * The application's orders, kept in memory for the guide's examples.
 */
@Component
class Orders {

	private final Map<String, String> statuses = new ConcurrentHashMap<>();

	void place(String orderId) {
		this.statuses.put(orderId, "UNPAID");
	}

	/** Safe to run twice: a delivery may be repeated. */
	void cancelIfUnpaid(String orderId) {
		this.statuses.replace(orderId, "UNPAID", "CANCELLED");
	}

	String status(String orderId) {
		return this.statuses.getOrDefault(orderId, "UNKNOWN");
	}

}
