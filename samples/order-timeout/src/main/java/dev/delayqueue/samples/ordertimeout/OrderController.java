package dev.delayqueue.samples.ordertimeout;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders {"amount": 1299}}, {@code POST /orders/{id}/pay}, {@code GET /orders/{id}}.
 */
@RestController
class OrderController {

	private final Orders orders;

	OrderController(Orders orders) {
		this.orders = orders;
	}

	record PlaceOrder(long amount) {
	}

	@PostMapping("/orders")
	ResponseEntity<Order> place(@RequestBody PlaceOrder request) {
		Order order = this.orders.place(request.amount());
		return ResponseEntity.created(URI.create("/orders/" + order.id())).body(order);
	}

	@GetMapping("/orders/{id}")
	ResponseEntity<Order> get(@PathVariable String id) {
		return ResponseEntity.of(this.orders.find(id));
	}

	@PostMapping("/orders/{id}/pay")
	ResponseEntity<Order> pay(@PathVariable String id) {
		return this.orders.pay(id)
			.map((order) -> (order.status() == Order.Status.PAID) ? ResponseEntity.ok(order)
					: ResponseEntity.status(HttpStatus.CONFLICT).body(order))
			.orElseGet(() -> ResponseEntity.notFound().build());
	}

}
