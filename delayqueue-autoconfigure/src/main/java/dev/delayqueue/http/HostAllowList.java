package dev.delayqueue.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobCallback;

/**
 * Which hosts jobs may call back, against server-side request forgery.
 * <p>
 * Entries are host names ({@code api.example.com}), wildcards for subdomains ({@code *.example.com}), IP
 * addresses ({@code 10.1.2.3}, {@code ::1}) or CIDR ranges ({@code 10.0.0.0/8}); {@code *} allows every host.
 * An empty list allows every host. Whatever the list, link-local addresses ({@code 169.254.0.0/16},
 * {@code fe80::/10}) and cloud metadata endpoints ({@code 169.254.169.254}, {@code fd00:ec2::254},
 * {@code 100.100.100.200}, {@code metadata.google.internal}, ...) are refused unless an entry names them
 * explicitly (the exact host, or a range that is not {@code *}).
 * <p>
 * URLs are checked when a job is scheduled ({@link #check}), and the address a host name resolves to is checked
 * again when the callback connects ({@link #checkAddress}), so DNS cannot smuggle a forbidden address in.
 *
 * @since 0.1.0
 */
public final class HostAllowList implements CallbackValidator {

	// first: the address lists below are parsed with them
	private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

	private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-f:.]+");

	private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata",
			"metadata.goog", "instance-data", "instance-data.ec2.internal", "metadata.azure.internal");

	private static final List<Cidr> FORBIDDEN = List.of(Cidr.parse("169.254.0.0/16"), Cidr.parse("fe80::/10"),
			Cidr.parse("fd00:ec2::254/128"), Cidr.parse("100.100.100.200/32"));

	/**
	 * Loopback, private (RFC 1918), carrier-grade NAT, "this network", unspecified and unique-local ranges, and the
	 * IPv6 ranges that embed an IPv4 address (NAT64, 6to4, IPv4-compatible): what
	 * {@link #denyingPrivateNetworks} refuses besides link-local and metadata addresses.
	 */
	private static final List<Cidr> PRIVATE = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"),
			Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"),
			Cidr.parse("100.64.0.0/10"), Cidr.parse("0.0.0.0/8"), Cidr.parse("::/128"), Cidr.parse("fc00::/7"),
			// IPv6 addresses that carry an IPv4 one a gateway reaches (NAT64, 6to4, IPv4-compatible): refused whole
			Cidr.parse("64:ff9b::/96"), Cidr.parse("64:ff9b:1::/48"), Cidr.parse("2002::/16"), Cidr.parse("::/96"));

	private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*");

	private static final Pattern CANONICAL_IPV4 = Pattern
		.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

	private final List<String> entries;

	private final List<String> hosts = new ArrayList<>();

	private final List<String> suffixes = new ArrayList<>();

	private final List<Cidr> ranges = new ArrayList<>();

	private final boolean anyHost;

	private final List<Cidr> forbidden;

	private final boolean denyPrivate;

	/**
	 * Creates an allow-list.
	 * @param entries host names, {@code *.domain} wildcards, IP addresses, CIDR ranges or {@code *}; empty allows
	 * every host
	 * @throws IllegalArgumentException when an entry is malformed
	 */
	public HostAllowList(List<String> entries) {
		this(entries, FORBIDDEN);
	}

	/**
	 * Creates an allow-list that also refuses loopback, private, carrier-grade NAT and unique-local addresses
	 * ({@code 127.0.0.0/8}, {@code ::1}, {@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code 192.168.0.0/16},
	 * {@code 100.64.0.0/10}, {@code fc00::/7}, ...) unless an entry names them explicitly: what a delay-queue
	 * server reachable by other services wants, so no job can make it call an internal address.
	 * @param entries as for {@link #HostAllowList(List)}
	 * @return the allow-list
	 */
	public static HostAllowList denyingPrivateNetworks(List<String> entries) {
		List<Cidr> forbidden = new ArrayList<>(FORBIDDEN);
		forbidden.addAll(PRIVATE);
		return new HostAllowList(entries, List.copyOf(forbidden), true);
	}

	HostAllowList(List<String> entries, List<Cidr> forbidden) {
		this(entries, forbidden, false);
	}

	private HostAllowList(List<String> entries, List<Cidr> forbidden, boolean denyPrivate) {
		this.denyPrivate = denyPrivate;
		this.entries = List.copyOf(entries);
		this.forbidden = forbidden;
		boolean any = entries.isEmpty();
		for (String raw : entries) {
			String entry = raw.trim().toLowerCase(Locale.ROOT);
			if (entry.equals("*")) {
				any = true;
			}
			else if (entry.startsWith("*.") && entry.length() > 2) {
				this.suffixes.add(entry.substring(1));
			}
			else if (entry.contains("/")) {
				this.ranges.add(Cidr.parse(entry));
			}
			else if (!entry.isEmpty() && !entry.contains("*")) {
				this.hosts.add(stripBrackets(entry));
			}
			else {
				throw new IllegalArgumentException("delayqueue.http.allowed-hosts entry '" + raw
						+ "' must be a host name, *.domain, an IP address, a CIDR range or *");
			}
		}
		this.anyHost = any;
	}

	/**
	 * Returns the entries as configured.
	 * @return the entries
	 */
	public List<String> entries() {
		return this.entries;
	}

	@Override
	public void check(JobCallback callback) {
		URI url = callback.url();
		String host = stripBrackets(url.getHost().toLowerCase(Locale.ROOT));
		if (host.endsWith(".")) {
			host = host.substring(0, host.length() - 1);
		}
		if (NUMERIC_HOST.matcher(host).matches() && !CANONICAL_IPV4.matcher(host).matches()) {
			throw new InvalidJobException("callback", "host '" + host + "' must be a host name or a canonical IP "
					+ "address (a.b.c.d, each 0-255 without leading zeros)");
		}
		InetAddress literal = literalAddress(host);
		boolean explicit = this.hosts.contains(host) || (literal != null && inRanges(literal));
		if (!explicit && (METADATA_HOSTS.contains(host) || (literal != null && isForbidden(literal)))) {
			throw new InvalidJobException("callback", "must not call " + forbiddenKinds() + " address ('" + host
					+ "') unless delayqueue.http.allowed-hosts lists it explicitly");
		}
		if (!explicit && !this.anyHost && this.suffixes.stream().noneMatch(host::endsWith)) {
			throw new InvalidJobException("callback", "host '" + host
					+ "' is not in delayqueue.http.allowed-hosts " + this.entries);
		}
	}

	/**
	 * Checks an address a callback host resolved to, just before connecting.
	 * @param host the host name of the URL
	 * @param address the address it resolved to
	 * @throws ForbiddenAddressException when the address is link-local or a metadata endpoint that the list does
	 * not name explicitly
	 */
	public void checkAddress(String host, InetAddress address) {
		if (isForbidden(address) && !inRanges(address)
				&& !this.hosts.contains(stripBrackets(host.toLowerCase(Locale.ROOT)))) {
			throw new ForbiddenAddressException("Callback host '" + host + "' resolved to " + address.getHostAddress()
					+ ", " + forbiddenKinds() + " address; list it in delayqueue.http.allowed-hosts to allow it");
		}
	}

	/**
	 * Returns whether loopback and private addresses are refused too.
	 * @return {@code true} for {@link #denyingPrivateNetworks}
	 */
	public boolean deniesPrivateNetworks() {
		return this.denyPrivate;
	}

	private String forbiddenKinds() {
		return this.denyPrivate ? "a loopback, private, link-local or cloud metadata" : "a link-local or cloud metadata";
	}

	private boolean isForbidden(InetAddress address) {
		return this.forbidden.stream().anyMatch((range) -> range.contains(address));
	}

	private boolean inRanges(InetAddress address) {
		return this.ranges.stream().anyMatch((range) -> range.contains(address));
	}

	private static String stripBrackets(String host) {
		return (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
	}

	/** The address of an IP literal, without any name lookup; {@code null} for a host name. */
	static InetAddress literalAddress(String host) {
		boolean ipv4 = IPV4_LITERAL.matcher(host).matches();
		boolean ipv6 = host.contains(":") && IPV6_LITERAL.matcher(host).matches();
		if (!ipv4 && !ipv6) {
			return null;
		}
		try {
			return InetAddress.getByName(host);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/**
	 * A callback connected, or was about to connect, to a forbidden address.
	 */
	public static final class ForbiddenAddressException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ForbiddenAddressException(String message) {
			super(message, null, false, false);
		}

	}

	/** An IP range. */
	record Cidr(byte[] network, int prefixLength) {

		static Cidr parse(String text) {
			int slash = text.indexOf('/');
			String address = (slash < 0) ? text : text.substring(0, slash);
			InetAddress parsed = literalAddress(stripBrackets(address));
			if (parsed == null) {
				throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
			}
			byte[] bytes = parsed.getAddress();
			int length;
			try {
				length = (slash < 0) ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("'" + text + "' has a malformed prefix length");
			}
			if (length < 0 || length > bytes.length * 8) {
				throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
			}
			return new Cidr(bytes, length);
		}

		boolean contains(InetAddress address) {
			byte[] bytes = address.getAddress();
			if (bytes.length != this.network.length) {
				return false;
			}
			for (int bit = 0; bit < this.prefixLength; bit++) {
				int mask = 0x80 >>> (bit % 8);
				if ((bytes[bit / 8] & mask) != (this.network[bit / 8] & mask)) {
					return false;
				}
			}
			return true;
		}

	}

}
