package dev.delayqueue.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;

import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Builds the {@link WebClient} the {@link CallbackDispatcher} calls through, on a Reactor Netty connector of
 * delayqueue's own.
 *
 * @since 0.1.0
 */
public final class CallbackWebClientFactory {

	private CallbackWebClientFactory() {
	}

	/**
	 * Builds the client for callbacks from the application's builder (keeping its filters and customizations) with
	 * a connector of delayqueue's own: a bounded connection pool, the connect and response timeouts, no redirects,
	 * the answer size cap, and a check of each connection's address against {@code allowList}.
	 * @param builder the application's builder; it is cloned, not changed
	 * @param settings limits and timeouts
	 * @param allowList checks the address each callback connects to, or {@code null} for no check
	 * @return the client
	 */
	public static WebClient create(WebClient.Builder builder, CallbackSettings settings,
			@Nullable HostAllowList allowList) {
		ConnectionProvider pool = ConnectionProvider.builder("delayqueue-callbacks")
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(settings.timeout())
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		HttpClient httpClient = HttpClient.create(pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()))
			.responseTimeout(settings.timeout())
			.followRedirect(false);
		if (allowList != null) {
			httpClient = httpClient.doOnRequest((request, connection) -> {
				SocketAddress remote = connection.channel().remoteAddress();
				if (remote instanceof InetSocketAddress address && address.getAddress() != null) {
					allowList.checkAddress(URI.create(request.resourceUrl()).getHost(), address.getAddress());
				}
			});
		}
		return builder.clone()
			.clientConnector(new ReactorClientHttpConnector(httpClient))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(settings.maxResponseSize()))
			.build();
	}

}
