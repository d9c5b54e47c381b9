package dev.delayqueue.embedded;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A minimal, blocking RESP2 connection to one Redis node, for the harnesses in this package and the tests that
 * drive them: it sends a command as an array of bulk strings and reads one reply. Meant for tests and fault suites
 * of delayqueue, never for production; it has no pooling, pipelining or RESP3.
 * <p>
 * Replies map to Java as: simple and bulk strings to {@link String} (UTF-8), integers to {@link Long}, arrays to
 * {@link List}, null bulk strings and null arrays to {@code null}. An error reply is thrown as
 * {@link ErrorReplyException}; an error nested in an array (an {@code EXEC} result) is returned as an
 * {@code ErrorReplyException} element instead.
 * <p>
 * One connection serves one thread at a time. Connection state such as {@code ASKING}, {@code READONLY} or
 * {@code MULTI} applies to the commands that follow on the same client.
 *
 * @since 0.1.0
 */
public final class RespClient implements AutoCloseable {

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RespClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = new BufferedOutputStream(socket.getOutputStream());
	}

	/**
	 * Connects to a node on the loopback interface, with a 5 second connect and read timeout.
	 * @param port the node's port
	 * @return an open client
	 * @throws UncheckedIOException when the node cannot be reached
	 */
	public static RespClient connect(int port) {
		return connect("127.0.0.1", port, DEFAULT_TIMEOUT);
	}

	/**
	 * Connects to a node.
	 * @param host the node's host
	 * @param port the node's port
	 * @param timeout the connect timeout, also the read timeout of every reply
	 * @return an open client
	 * @throws UncheckedIOException when the node cannot be reached
	 */
	public static RespClient connect(String host, int port, Duration timeout) {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			return new RespClient(socket);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException("Cannot connect to Redis at " + host + ":" + port, ex);
		}
	}

	/**
	 * Opens a connection to a loopback node, runs one command and closes the connection.
	 * @param port the node's port
	 * @param args the command and its arguments
	 * @return the reply
	 * @throws ErrorReplyException when Redis answers with an error
	 * @throws UncheckedIOException when the node cannot be reached or the connection breaks
	 */
	public static @Nullable Object call(int port, String... args) {
		try (RespClient client = connect(port)) {
			return client.command(args);
		}
	}

	/**
	 * Sends a command and reads its reply.
	 * @param args the command and its arguments, for example {@code "SET", "k", "v"}
	 * @return the reply (see the class description for its Java types)
	 * @throws ErrorReplyException when Redis answers with an error
	 * @throws UncheckedIOException when the connection breaks or the reply times out
	 */
	public @Nullable Object command(String... args) {
		if (args.length == 0) {
			throw new IllegalArgumentException("A command needs at least a name");
		}
		try {
			write(args);
			Object reply = read();
			if (reply instanceof ErrorReplyException error) {
				throw new ErrorReplyException(error.getMessage());
			}
			return reply;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis command " + args[0] + " failed on port " + this.socket.getPort(), ex);
		}
	}

	/**
	 * Sends a command whose reply is a string (simple or bulk), such as {@code GET} or {@code CLUSTER NODES}.
	 * @param args the command and its arguments
	 * @return the reply, {@code null} for a null bulk string
	 * @throws ErrorReplyException when Redis answers with an error
	 * @throws IllegalStateException when the reply is not a string
	 */
	public @Nullable String commandString(String... args) {
		Object reply = command(args);
		if (reply == null || reply instanceof String) {
			return (String) reply;
		}
		throw new IllegalStateException(args[0] + " answered " + reply + ", not a string");
	}

	private void write(String[] args) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		writeLine(buffer, "*" + args.length);
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			writeLine(buffer, "$" + bytes.length);
			buffer.write(bytes);
			buffer.write('\r');
			buffer.write('\n');
		}
		buffer.writeTo(this.out);
		this.out.flush();
	}

	private static void writeLine(ByteArrayOutputStream buffer, String line) {
		buffer.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
		buffer.write('\r');
		buffer.write('\n');
	}

	private @Nullable Object read() throws IOException {
		int type = this.in.read();
		if (type == -1) {
			throw new EOFException("Connection closed by Redis");
		}
		String line = readLine();
		return switch (type) {
			case '+' -> line;
			case '-' -> new ErrorReplyException(line);
			case ':' -> Long.parseLong(line);
			case '$' -> readBulk(Integer.parseInt(line));
			case '*' -> readArray(Integer.parseInt(line));
			default -> throw new IOException("Unexpected RESP type '" + (char) type + "' followed by " + line);
		};
	}

	private @Nullable String readBulk(int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] bytes = this.in.readNBytes(length);
		if (bytes.length != length || this.in.read() != '\r' || this.in.read() != '\n') {
			throw new EOFException("Truncated bulk string");
		}
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private @Nullable List<@Nullable Object> readArray(int length) throws IOException {
		if (length < 0) {
			return null;
		}
		List<@Nullable Object> elements = new ArrayList<>(length);
		for (int i = 0; i < length; i++) {
			elements.add(read());
		}
		return elements;
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = this.in.read();
			if (next == -1) {
				throw new EOFException("Connection closed by Redis in the middle of a reply");
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(next);
			previous = next;
		}
	}

	/**
	 * Closes the connection.
	 */
	@Override
	public void close() {
		closeQuietly(this.socket);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing left to release
		}
	}

	/**
	 * An error reply from Redis, such as {@code MOVED 3999 127.0.0.1:6381}, {@code ASK ...} or
	 * {@code TRYAGAIN ...}.
	 */
	public static final class ErrorReplyException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ErrorReplyException(String message) {
			super(message);
		}

		/**
		 * Returns the error's first word, for example {@code MOVED}, {@code ASK}, {@code TRYAGAIN} or {@code ERR}.
		 * @return the error code
		 */
		public String code() {
			String message = String.valueOf(getMessage());
			int space = message.indexOf(' ');
			return (space < 0) ? message : message.substring(0, space);
		}

	}

}
