package dev.delayqueue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server receiving callbacks (the JDK's), recording every request and answering what the test says.
 */
public final class CallbackReceiver implements AutoCloseable {

	private final HttpServer server;

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private final AtomicInteger running = new AtomicInteger();

	private final AtomicInteger maxRunning = new AtomicInteger();

	private volatile Function<Call, Answer> answers;

	public record Call(String method, String path, Map<String, List<String>> headers, byte[] body, long at) {

		public String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((e) -> e.getKey().equalsIgnoreCase(name))
				.map((e) -> e.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

	}

	public record Answer(int status, String body, Map<String, String> headers, long delayMillis) {

		public static Answer of(int status, String body) {
			return new Answer(status, body, Map.of(), 0);
		}

		public Answer withHeader(String name, String value) {
			return new Answer(this.status, this.body, Map.of(name, value), this.delayMillis);
		}

		public Answer after(long millis) {
			return new Answer(this.status, this.body, this.headers, millis);
		}

	}

	public CallbackReceiver(Function<Call, Answer> answers) {
		this.answers = answers;
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	public void answer(Function<Call, Answer> answers) {
		this.answers = answers;
	}

	private void handle(HttpExchange exchange) throws IOException {
		int now = this.running.incrementAndGet();
		this.maxRunning.accumulateAndGet(now, Math::max);
		boolean counted = true;
		try (InputStream in = exchange.getRequestBody()) {
			Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
					Map.copyOf(exchange.getRequestHeaders()), in.readAllBytes(), System.currentTimeMillis());
			this.calls.add(call);
			Answer answer = this.answers.apply(call);
			if (answer.delayMillis() > 0) {
				try {
					Thread.sleep(answer.delayMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
			// no longer running once the answer starts: the client may start its next call as soon as it has it
			this.running.decrementAndGet();
			counted = false;
			answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
			exchange.sendResponseHeaders(answer.status(), (body.length == 0) ? -1 : body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
		catch (IOException ex) {
			// the client gave up (timeout): nothing to answer
		}
		finally {
			if (counted) {
				this.running.decrementAndGet();
			}
			exchange.close();
		}
	}

	public String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	public List<Call> calls() {
		return List.copyOf(this.calls);
	}

	public List<Call> calls(String path) {
		return this.calls.stream().filter((c) -> c.path().equals(path)).toList();
	}

	public int maxRunning() {
		return this.maxRunning.get();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
