package dev.delayqueue.samples.ordertimeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "orders.payment-timeout=1s")
class OrderTimeoutApplicationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void anUnpaidOrderIsCancelledOnTimeAndAPaidOneIsNot() throws Exception {
		String unpaid = id(send("POST", "/orders", "{\"amount\":1299}", 201));
		String paid = id(send("POST", "/orders", "{\"amount\":500}", 201));
		assertThat(send("POST", "/orders/" + paid + "/pay", null, 200)).contains("\"PAID\"");
		assertThat(send("GET", "/orders/" + unpaid, null, 200)).contains("\"UNPAID\"");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> send("GET", "/orders/" + unpaid, null, 200).contains("\"CANCELLED\""));
		assertThat(send("POST", "/orders/" + unpaid + "/pay", null, 409)).contains("\"CANCELLED\"");
		Thread.sleep(500);
		assertThat(send("GET", "/orders/" + paid, null, 200)).contains("\"PAID\"");
		send("GET", "/orders/nope", null, 404);
	}

	private String send(String method, String path, String json, int expectedStatus) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
					: HttpRequest.BodyPublishers.noBody());
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expectedStatus);
		return response.body();
	}

	private static String id(String orderJson) {
		int start = orderJson.indexOf("\"id\":\"") + 6;
		return orderJson.substring(start, orderJson.indexOf('"', start));
	}

}
