package dev.delayqueue.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client, as a seed service's client would be: JSON text in, status and JSON out.
 */
final class Client {

	private static final JsonMapper JSON = new JsonMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	private final String base;

	private final String token;

	Client(int port, String token) {
		this.base = "http://127.0.0.1:" + port;
		this.token = token;
	}

	record Reply(int status, String text) {

		JsonNode json() {
			return JSON.readTree(this.text);
		}

	}

	Reply send(String method, String path, String body) {
		return send(method, path, body, this.token);
	}

	Reply send(String method, String path, String body, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.method(method, (body == null) ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.header("Content-Type", "application/json");
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Reply(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

}
