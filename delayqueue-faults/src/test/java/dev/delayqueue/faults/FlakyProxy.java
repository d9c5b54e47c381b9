package dev.delayqueue.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between the application and Redis that injects network faults, one connection of the application
 * relayed to one of Redis, each direction by a reader and a writer thread:
 * <ul>
 * <li>{@link #latency latency} with jitter: every chunk read is written on after its own delay, in order (a chunk
 * never overtakes an earlier one, as on a TCP stream);</li>
 * <li>{@link #resetAll resets}: every open connection is closed with a TCP RST on both sides, mid-command or not;</li>
 * <li>a {@link #blackHole black hole}: nothing moves in either direction, on open and new connections, and nothing
 * is closed; what was sent meanwhile arrives once it ends, as TCP's retransmissions deliver it after a partition
 * heals;</li>
 * <li>{@link #freezeOpenConnections half-open connections}: the connections open now never carry another byte and
 * are never closed, while the data sent into them is taken (acknowledged by this host's TCP) and dropped: a peer
 * that looks alive to TCP and never answers, which neither keep-alive nor a TCP user timeout detects. New
 * connections work.</li>
 * </ul>
 * Threads: the fault switches may be called from any thread.
 */
final class FlakyProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int target;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicLong accepted = new AtomicLong();

	private volatile long latencyMillis;

	private volatile long jitterMillis;

	private volatile boolean blackHole;

	private volatile boolean closed;

	FlakyProxy(int target) throws IOException {
		this.target = target;
		this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** Connections accepted so far. */
	long accepted() {
		return this.accepted.get();
	}

	/** Connections open now, frozen ones included. */
	int open() {
		return this.links.size();
	}

	/** Delays every chunk by {@code base} plus a uniform random part of {@code jitter}; zero turns it off. */
	void latency(Duration base, Duration jitter) {
		this.jitterMillis = jitter.toMillis();
		this.latencyMillis = base.toMillis();
	}

	void blackHole(boolean on) {
		this.blackHole = on;
	}

	/** Closes every open connection with a reset (RST) on both sides; returns how many. */
	int resetAll() {
		int n = 0;
		for (Link link : this.links) {
			if (!link.frozen) {
				link.reset();
				n++;
			}
		}
		return n;
	}

	/** Makes every connection open now half-open; returns how many. */
	int freezeOpenConnections() {
		int n = 0;
		for (Link link : this.links) {
			if (!link.frozen) {
				link.frozen = true;
				n++;
			}
		}
		return n;
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				Socket redis = new Socket(InetAddress.getLoopbackAddress(), this.target);
				client.setTcpNoDelay(true);
				redis.setTcpNoDelay(true);
				this.accepted.incrementAndGet();
				Link link = new Link(client, redis);
				this.links.add(link);
				link.start();
			}
			catch (IOException ex) {
				if (!this.closed) {
					System.err.println("proxy: accept failed: " + ex);
				}
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing
		}
		this.links.forEach(Link::reset);
	}

	/** One relayed connection. */
	private final class Link {

		private final Socket client;

		private final Socket redis;

		private volatile boolean frozen;

		private volatile boolean done;

		Link(Socket client, Socket redis) {
			this.client = client;
			this.redis = redis;
		}

		void start() throws IOException {
			pump(this.client.getInputStream(), this.redis.getOutputStream(), "up");
			pump(this.redis.getInputStream(), this.client.getOutputStream(), "down");
		}

		/** A reader that stamps each chunk with when it may go on, and a writer that waits for that moment. */
		private void pump(InputStream in, OutputStream out, String direction) {
			LinkedBlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
			Thread reader = new Thread(() -> {
				byte[] buffer = new byte[16 * 1024];
				long last = 0;
				try {
					int n;
					while ((n = in.read(buffer)) >= 0) {
						if (this.frozen) {
							continue; // taken and dropped: the peer never hears of it
						}
						long delay = FlakyProxy.this.latencyMillis;
						long jitter = FlakyProxy.this.jitterMillis;
						if (jitter > 0) {
							delay += ThreadLocalRandom.current().nextLong(jitter + 1);
						}
						long release = Math.max(last, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay));
						last = release;
						chunks.add(new Chunk(Arrays.copyOf(buffer, n), release));
					}
				}
				catch (IOException ex) {
					// reset or closed
				}
				chunks.add(Chunk.END);
			}, "proxy-read-" + direction);
			Thread writer = new Thread(() -> {
				try {
					while (true) {
						Chunk chunk = chunks.take();
						if (chunk == Chunk.END) {
							break;
						}
						long wait;
						while ((wait = chunk.release - System.nanoTime()) > 0) {
							TimeUnit.NANOSECONDS.sleep(wait);
						}
						while (FlakyProxy.this.blackHole || this.frozen) {
							Thread.sleep(10);
							if (this.done) {
								return;
							}
						}
						out.write(chunk.bytes);
						out.flush();
					}
				}
				catch (IOException | InterruptedException ex) {
					// reset or closed
				}
				if (!this.frozen) {
					reset();
				}
			}, "proxy-write-" + direction);
			reader.setDaemon(true);
			writer.setDaemon(true);
			reader.start();
			writer.start();
		}

		/** Closes both sockets with RST (linger 0). */
		void reset() {
			this.done = true;
			FlakyProxy.this.links.remove(this);
			for (Socket socket : new Socket[] { this.client, this.redis }) {
				try {
					socket.setSoLinger(true, 0);
					socket.close();
				}
				catch (IOException ex) {
					// already closed
				}
			}
		}

	}

	private record Chunk(byte[] bytes, long release) {

		static final Chunk END = new Chunk(new byte[0], 0);

	}

}
