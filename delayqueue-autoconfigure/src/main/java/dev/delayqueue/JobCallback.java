package dev.delayqueue;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Where and how a job is delivered over HTTP instead of to a local handler: at its due time the job's body is sent
 * to {@code url} with {@code method}, {@code headers} and delivery headers naming the job (see
 * {@code dev.delayqueue.http.CallbackHeaders}), and the answer is judged by {@code success}.
 *
 * @param url an absolute {@code http} or {@code https} URL with a host, no user info and no fragment, at most
 * {@value #MAX_URL_LENGTH} characters
 * @param method {@code POST}, {@code PUT} or {@code PATCH}
 * @param headers extra request headers (at most {@value #MAX_HEADERS}; names are HTTP tokens, values have no line
 * breaks; {@code Host}, {@code Content-Length}, {@code Content-Type}, {@code Transfer-Encoding}, {@code Connection}
 * and {@code X-DelayQueue-*} are reserved)
 * @param success what counts as a successful answer
 * @since 0.1.0
 */
public record JobCallback(URI url, String method, Map<String, String> headers, SuccessContract success) {

	/** Longest URL, in characters. */
	public static final int MAX_URL_LENGTH = 2048;

	/** Most extra headers. */
	public static final int MAX_HEADERS = 32;

	/** Longest header value, in characters. */
	public static final int MAX_HEADER_VALUE_LENGTH = 4096;

	private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");

	private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "content-type",
			"transfer-encoding", "connection");

	/**
	 * Checks the rules.
	 * @throws InvalidJobException naming {@code callback}, {@code method} or {@code headers} when one is broken
	 */
	public JobCallback {
		checkUrl(url);
		method = method.toUpperCase(Locale.ROOT);
		if (!METHODS.contains(method)) {
			throw new InvalidJobException("method", "must be POST, PUT or PATCH (was '" + method + "')");
		}
		headers = checkHeaders(headers);
	}

	/**
	 * Parses and checks a callback URL.
	 * @param url the URL text
	 * @return the URL
	 * @throws InvalidJobException naming {@code callback} when the text is not an acceptable URL
	 */
	public static URI parseUrl(@Nullable String url) {
		if (url == null || url.isBlank()) {
			throw new InvalidJobException("callback", "must not be empty");
		}
		if (url.length() > MAX_URL_LENGTH) {
			throw new InvalidJobException("callback", "must be at most " + MAX_URL_LENGTH + " characters, was "
					+ url.length());
		}
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new InvalidJobException("callback", "must be a valid absolute http or https URL: " + ex.getMessage());
		}
		checkUrl(uri);
		return uri;
	}

	private static void checkUrl(URI url) {
		String scheme = url.getScheme();
		if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
			throw new InvalidJobException("callback", "must be an absolute http or https URL (was '" + url + "')");
		}
		if (url.getHost() == null || url.getHost().isEmpty()) {
			throw new InvalidJobException("callback", "must name a host (was '" + url + "')");
		}
		if (url.getRawUserInfo() != null) {
			throw new InvalidJobException("callback", "must not contain user info; send credentials in headers");
		}
		if (url.getRawFragment() != null) {
			throw new InvalidJobException("callback", "must not contain a fragment (was '" + url + "')");
		}
		if (url.toString().length() > MAX_URL_LENGTH) {
			throw new InvalidJobException("callback", "must be at most " + MAX_URL_LENGTH + " characters");
		}
	}

	private static Map<String, String> checkHeaders(Map<String, String> headers) {
		if (headers.size() > MAX_HEADERS) {
			throw new InvalidJobException("headers", "must have at most " + MAX_HEADERS + " entries, had "
					+ headers.size());
		}
		Map<String, String> checked = new LinkedHashMap<>();
		headers.forEach((name, value) -> {
			if (name.isEmpty() || !name.chars().allMatch(JobCallback::isTokenChar)) {
				throw new InvalidJobException("headers", "names must be HTTP tokens (was '" + name + "')");
			}
			String lower = name.toLowerCase(Locale.ROOT);
			if (RESERVED_HEADERS.contains(lower) || lower.startsWith("x-delayqueue-")) {
				throw new InvalidJobException("headers", "must not set the reserved header '" + name + "'");
			}
			if (value == null || value.length() > MAX_HEADER_VALUE_LENGTH
					|| value.chars().anyMatch((c) -> (c < 0x20 && c != '\t') || c == 0x7f)) {
				throw new InvalidJobException("headers", "value of '" + name + "' must be at most "
						+ MAX_HEADER_VALUE_LENGTH + " characters without control characters");
			}
			checked.put(name, value);
		});
		return Map.copyOf(checked);
	}

	private static boolean isTokenChar(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
	}

	/**
	 * A callback with the usual defaults: {@code POST}, no extra headers, any {@code 2xx} is a success.
	 * @param url the URL
	 * @return the callback
	 */
	public static JobCallback post(String url) {
		return new JobCallback(parseUrl(url), "POST", Map.of(), SuccessContract.STATUS_2XX);
	}

	/**
	 * Returns a copy with another method.
	 * @param method {@code POST}, {@code PUT} or {@code PATCH}
	 * @return the copy
	 */
	public JobCallback withMethod(String method) {
		return new JobCallback(this.url, method, this.headers, this.success);
	}

	/**
	 * Returns a copy with other extra headers.
	 * @param headers the headers
	 * @return the copy
	 */
	public JobCallback withHeaders(Map<String, String> headers) {
		return new JobCallback(this.url, this.method, headers, this.success);
	}

	/**
	 * Returns a copy with another success contract.
	 * @param success the contract
	 * @return the copy
	 */
	public JobCallback withSuccess(SuccessContract success) {
		return new JobCallback(this.url, this.method, this.headers, success);
	}

}
