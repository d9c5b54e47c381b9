package dev.delayqueue.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayQueueUnavailableException;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobNames;
import dev.delayqueue.JobState;
import dev.delayqueue.store.InstanceInfo;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.TopicSnapshot;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.ClassUtils;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The dashboard in a Spring MVC application: a page at the configured path (plain HTML, CSS and JavaScript from the
 * jar; everything it shows is set as text, never as markup) and the JSON it reads and writes under
 * {@code <path>/api}:
 * <pre>
 * GET  api/overview                  topics with counts, overdue age, serving instances, last hour's deliveries and
 *                                    lateness p99; instances; the last 60 minutes across topics
 * GET  api/job?topic=&amp;id=            one job                                       200, 404
 * GET  api/dead?topic=&amp;offset=&amp;limit=  dead jobs, oldest death first (at most 100)     200
 * POST api/redrive {topic[, id]}     dead job(s) due again now                     200
 * POST api/purge {topic[, id]}       dead job(s) deleted                           200
 * </pre>
 * Without Spring Security every request needs HTTP Basic credentials ({@code 401} otherwise); with it, the
 * application's rules apply. A write must carry the {@value #CSRF_HEADER} header the overview hands out (with Basic
 * credentials, a token derived from them; a cross-site page can neither read it nor send a custom header), must not
 * come from another origin, and passes Spring Security's CSRF check when the application has one (the overview also
 * hands out that token).
 *
 * @since 0.1.0
 */
public final class DashboardEndpoint {

	/** Default path of the page. */
	public static final String DEFAULT_PATH = "/delayqueue";

	/** Default Basic user name. */
	public static final String DEFAULT_USERNAME = "admin";

	/** The header a write must carry. */
	public static final String CSRF_HEADER = "X-DelayQueue-CSRF";

	/** Most dead jobs listed at once. */
	public static final int MAX_DEAD_JOBS = 100;

	private static final int MAX_REQUEST_BYTES = 16 * 1024;

	private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

	private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
			+ "style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
			+ "frame-ancestors 'none'";

	private static final String SPRING_CSRF_TOKEN = "org.springframework.security.web.csrf.CsrfToken";

	private static final Logger logger = LoggerFactory.getLogger(DashboardEndpoint.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Reads write requests: a misspelt key is an error, never a bulk operation. */
	private static final JsonMapper STRICT_JSON = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private final DelayQueue queue;

	private final JobStore store;

	private final Clock clock;

	private final String path;

	private final @Nullable Credentials credentials;

	private final String page;

	private final byte[] script;

	private final byte[] style;

	/**
	 * Creates the dashboard.
	 * @param queue the queue, for jobs, dead jobs, redrive and purge
	 * @param store the store, for counts, instances and the per-minute counters
	 * @param clock delayqueue's clock
	 * @param path where the page is served, for example {@value #DEFAULT_PATH}
	 * @param credentials the Basic credentials every request needs, or {@code null} when Spring Security guards the
	 * application
	 * @throws IllegalArgumentException when the path is not {@code /} and path segments of letters, digits and
	 * {@code . _ ~ -}
	 */
	public DashboardEndpoint(DelayQueue queue, JobStore store, Clock clock, String path,
			@Nullable Credentials credentials) {
		if (!PATH.matcher(path).matches()) {
			throw new IllegalArgumentException("path must be / followed by segments of letters, digits and . _ ~ - "
					+ "separated by /, without a trailing /, was '" + path + "'");
		}
		this.queue = queue;
		this.store = store;
		this.clock = clock;
		this.path = path;
		this.credentials = credentials;
		this.page = new String(resource("index.html"), StandardCharsets.UTF_8);
		this.script = resource("dashboard.js");
		this.style = resource("dashboard.css");
	}

	/**
	 * Returns the routes of the page and its API.
	 * @return the routes, behind the Basic check when there are credentials
	 */
	public RouterFunction<ServerResponse> routes() {
		String api = this.path + "/api";
		RouterFunction<ServerResponse> routes = RouterFunctions.route()
			.GET(this.path, this::page)
			.GET(this.path + "/", this::page)
			.GET(this.path + "/dashboard.js", (request) -> asset(this.script, "text/javascript;charset=UTF-8"))
			.GET(this.path + "/dashboard.css", (request) -> asset(this.style, "text/css;charset=UTF-8"))
			.GET(api + "/overview", (request) -> answer(() -> overview(request)))
			.GET(api + "/job", (request) -> answer(() -> job(request)))
			.GET(api + "/dead", (request) -> answer(() -> dead(request)))
			.POST(api + "/redrive", (request) -> write(request, this::redrive))
			.POST(api + "/purge", (request) -> write(request, this::purge))
			.build();
		return (this.credentials != null) ? routes.filter(this.credentials::check)
				: routes.filter(DashboardEndpoint::authenticated);
	}

	/** The page, its links under the servlet context path the request came through. */
	private ServerResponse page(ServerRequest request) {
		String base = HtmlUtils.htmlEscape(request.requestPath().contextPath().value() + this.path);
		return ServerResponse.ok()
			.headers(DashboardEndpoint::secure)
			.contentType(new MediaType("text", "html", StandardCharsets.UTF_8))
			.body(this.page.replace("{{base}}", base));
	}

	private static ServerResponse asset(byte[] content, String type) {
		return ServerResponse.ok()
			.headers(DashboardEndpoint::secure)
			.contentType(MediaType.parseMediaType(type))
			.body(content);
	}

	/**
	 * Without credentials of its own (Spring Security guards the application), the page still refuses a request
	 * that reaches it unauthenticated: the application's rules let it through, and the page fails closed.
	 */
	private static ServerResponse authenticated(ServerRequest request, HandlerFunction<ServerResponse> next)
			throws Exception {
		if (request.principal().isEmpty()) {
			return json(HttpStatus.UNAUTHORIZED, Map.of("error", "the dashboard needs an authenticated user, and the "
					+ "application's security rules let this request reach it without one"));
		}
		return next.handle(request);
	}

	/** Headers on every answer: nothing inline runs, nothing is framed or sniffed, nothing is cached. */
	private static void secure(HttpHeaders headers) {
		headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("X-Frame-Options", "DENY");
		headers.set("Referrer-Policy", "no-referrer");
		headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
	}

	private Object overview(ServerRequest request) {
		Instant now = this.clock.instant();
		long thisMinute = Math.floorDiv(now.toEpochMilli(), 60_000L);
		Map<Long, Map<String, Long>> minutes = this.store.minuteCounts(thisMinute - 59, thisMinute);
		List<InstanceInfo> instances = this.store.instances();
		Map<String, MinuteCounters.Tally> hourByTopic = MinuteCounters.Tally.byTopic(minutes.values());
		List<TopicRow> topics = new ArrayList<>();
		for (String topic : new TreeSet<>(this.store.topics(Lane.LOCAL))) {
			TopicSnapshot snapshot = this.store.snapshot(topic);
			MinuteCounters.Tally hour = hourByTopic.getOrDefault(topic, new MinuteCounters.Tally());
			topics.add(new TopicRow(topic, snapshot.stats().pending(), snapshot.stats().inFlight(),
					snapshot.stats().dead(), snapshot.overdue(now).toMillis() / 1000.0, snapshot.servedBy(instances),
					snapshot.unserved(instances), hour.delivered(), hour.latenessQuantile(0.99)));
		}
		List<MinuteRow> chart = new ArrayList<>(60);
		for (long minute = thisMinute - 59; minute <= thisMinute; minute++) {
			MinuteCounters.Tally tally = new MinuteCounters.Tally();
			Map<String, Long> counters = minutes.get(minute);
			if (counters != null) {
				tally.add(counters, null);
			}
			chart.add(new MinuteRow(Instant.ofEpochMilli(minute * 60_000L), tally.delivered(), tally.succeeded,
					tally.retried, tally.dead, tally.latenessQuantile(0.99)));
		}
		List<Csrf> csrf = new ArrayList<>(2);
		csrf.add(new Csrf(CSRF_HEADER, (this.credentials != null) ? this.credentials.csrfToken() : "1"));
		Csrf spring = SpringCsrf.of(request);
		if (spring != null) {
			csrf.add(spring);
		}
		return new Overview(now, topics, instances, chart, csrf);
	}

	private Object job(ServerRequest request) {
		String topic = parameter(request, "topic");
		String id = parameter(request, "id");
		Optional<DelayedJob> job = this.queue.get(topic, id);
		if (job.isEmpty()) {
			return new Status(HttpStatus.NOT_FOUND, Map.of("error", "no job '" + id + "' in topic '" + topic + "'"));
		}
		return JobView.of(job.get());
	}

	private Object dead(ServerRequest request) {
		String topic = parameter(request, "topic");
		long offset = number(request, "offset", 0, 0, Long.MAX_VALUE);
		int limit = (int) number(request, "limit", MAX_DEAD_JOBS, 1, MAX_DEAD_JOBS);
		return this.queue.deadJobs(topic, offset, limit).stream().map(JobView::of).toList();
	}

	private Object redrive(String topic, @Nullable String id) {
		return Map.of("redriven", (id != null) ? (this.queue.redrive(topic, id) ? 1L : 0L) : this.queue.redriveAll(topic));
	}

	private Object purge(String topic, @Nullable String id) {
		return Map.of("purged", (id != null) ? (this.queue.purge(topic, id) ? 1L : 0L) : this.queue.purgeAll(topic));
	}

	private ServerResponse write(ServerRequest request, BiFunction<String, @Nullable String, Object> action) {
		String refusal = csrfRefusal(request);
		if (refusal != null) {
			return json(HttpStatus.FORBIDDEN, Map.of("error", refusal));
		}
		return answer(() -> {
			Target target;
			try {
				byte[] body = request.servletRequest().getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
				if (body.length > MAX_REQUEST_BYTES) {
					throw new InvalidJobException("request", "must be at most " + MAX_REQUEST_BYTES + " bytes");
				}
				target = STRICT_JSON.readValue(body, Target.class);
			}
			catch (IOException | JacksonException ex) {
				throw new InvalidJobException("request",
						"must be a JSON object {\"topic\": \"...\", \"id\": \"...\"} or {\"topic\": \"...\", \"all\": true}, "
								+ "with no other keys");
			}
			if (target == null || target.topic() == null) {
				throw new InvalidJobException("topic", "must be given");
			}
			String topic = JobNames.checkTopic(target.topic());
			boolean all = Boolean.TRUE.equals(target.all());
			if ((target.id() == null) == !all) {
				throw new InvalidJobException("id", "give either an id, or \"all\": true for every dead job of the topic");
			}
			return action.apply(topic, all ? null : JobNames.checkId(target.id()));
		});
	}

	/** Why a write is refused, or {@code null} when it may go on. */
	private @Nullable String csrfRefusal(ServerRequest request) {
		String token = request.headers().firstHeader(CSRF_HEADER);
		if (token == null || token.isEmpty()) {
			return "a write needs the " + CSRF_HEADER + " header the overview hands out";
		}
		if (this.credentials != null && !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
				this.credentials.csrfToken().getBytes(StandardCharsets.UTF_8))) {
			return "the " + CSRF_HEADER + " header does not match; reload the page";
		}
		String origin = request.headers().firstHeader(HttpHeaders.ORIGIN);
		if (origin != null && !sameOrigin(origin, request)) {
			return "a write must come from the dashboard's own origin, not " + origin;
		}
		return null;
	}

	/**
	 * Whether an {@code Origin} is the dashboard's own: same scheme, host and port as the request as the application
	 * sees it (behind a proxy, with {@code server.forward-headers-strategy} set, the address the browser used).
	 */
	private static boolean sameOrigin(String origin, ServerRequest request) {
		try {
			URI from = URI.create(origin);
			URI own = request.uri();
			return from.getScheme() != null && from.getHost() != null && own.getHost() != null
					&& from.getScheme().equalsIgnoreCase(own.getScheme()) && from.getHost().equalsIgnoreCase(own.getHost())
					&& port(from) == port(own);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	private static ServerResponse answer(Supplier<Object> body) {
		try {
			Object answer = body.get();
			if (answer instanceof Status status) {
				return json(status.status(), status.body());
			}
			return json(HttpStatus.OK, answer);
		}
		catch (InvalidJobException ex) {
			return json(HttpStatus.BAD_REQUEST, Map.of("error", String.valueOf(ex.getMessage()), "field", ex.field()));
		}
		catch (DelayQueueUnavailableException | DataAccessException ex) {
			logger.debug("The dashboard cannot reach Redis", ex);
			return json(HttpStatus.SERVICE_UNAVAILABLE, Map.of("error", "Redis cannot be reached: " + ex.getMessage()));
		}
	}

	private static ServerResponse json(HttpStatus status, Object body) {
		return ServerResponse.status(status)
			.headers(DashboardEndpoint::secure)
			.contentType(MediaType.APPLICATION_JSON)
			.body(JSON.writeValueAsBytes(body));
	}

	private static String parameter(ServerRequest request, String name) {
		return request.param(name)
			.filter((value) -> !value.isEmpty())
			.orElseThrow(() -> new InvalidJobException(name, "must be given"));
	}

	private static long number(ServerRequest request, String name, long fallback, long min, long max) {
		Optional<String> text = request.param(name).filter((value) -> !value.isEmpty());
		if (text.isEmpty()) {
			return fallback;
		}
		try {
			long value = Long.parseLong(text.get());
			if (value >= min && value <= max) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new InvalidJobException(name, "must be a whole number from " + min + " to " + max + ", was '"
				+ text.get() + "'");
	}

	private static byte[] resource(String name) {
		try (InputStream in = DashboardEndpoint.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("dev/delayqueue/dashboard/" + name + " is missing from the jar");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The HTTP Basic credentials every request of the dashboard needs when Spring Security does not guard it.
	 */
	public static final class Credentials {

		private final String username;

		private final String password;

		private final byte[] expected;

		private volatile @Nullable String token;

		/**
		 * Creates the credentials.
		 * @param username the user name
		 * @param password the password
		 * @throws IllegalArgumentException when the user name is empty or contains {@code :}, or the password is
		 * empty
		 */
		public Credentials(String username, String password) {
			if (username.isEmpty() || username.indexOf(':') >= 0) {
				throw new IllegalArgumentException("username must not be empty nor contain ':'");
			}
			if (password.isEmpty()) {
				throw new IllegalArgumentException("password must not be empty");
			}
			this.username = username;
			this.password = password;
			this.expected = Base64.getEncoder()
				.encodeToString((username + ':' + password).getBytes(StandardCharsets.UTF_8))
				.getBytes(StandardCharsets.UTF_8);
		}

		/**
		 * Returns the user name.
		 * @return the user name
		 */
		public String username() {
			return this.username;
		}

		/**
		 * The write token: derived from the credentials (so every instance with them hands out the same one) through
		 * PBKDF2, so a token that leaks into a log is no shortcut to guessing the password.
		 */
		String csrfToken() {
			String token = this.token;
			if (token == null) {
				try {
					PBEKeySpec spec = new PBEKeySpec(this.password.toCharArray(),
							("delayqueue-dashboard-csrf\n" + this.username).getBytes(StandardCharsets.UTF_8), 210_000,
							256);
					token = HexFormat.of()
						.formatHex(SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded());
				}
				catch (GeneralSecurityException ex) {
					throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", ex);
				}
				this.token = token;
			}
			return token;
		}

		ServerResponse check(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
			String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
			byte[] given = (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6))
					? authorization.substring(6).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
			if (!MessageDigest.isEqual(given, this.expected)) {
				return ServerResponse.status(HttpStatus.UNAUTHORIZED)
					.headers(DashboardEndpoint::secure)
					.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"delayqueue\", charset=\"UTF-8\"")
					.contentType(MediaType.APPLICATION_JSON)
					.body(JSON.writeValueAsBytes(Map.of("error", "the dashboard needs its user name and password")));
			}
			return next.handle(request);
		}

		@Override
		public String toString() {
			return "Credentials[username=" + this.username + ", password=<hidden>]";
		}

	}

	/**
	 * Spring Security's CSRF token of the request, when Spring Security put one there; read through its interface
	 * by reflection, so delayqueue needs no Spring Security of its own.
	 */
	private static final class SpringCsrf {

		private static final @Nullable Class<?> TOKEN = type();

		static @Nullable Csrf of(ServerRequest request) {
			Object token = request.servletRequest().getAttribute(SPRING_CSRF_TOKEN);
			if (TOKEN == null || !TOKEN.isInstance(token)) {
				return null;
			}
			try {
				return new Csrf((String) TOKEN.getMethod("getHeaderName").invoke(token),
						(String) TOKEN.getMethod("getToken").invoke(token));
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.debug("Cannot read Spring Security's CSRF token", ex);
				return null;
			}
		}

		private static @Nullable Class<?> type() {
			ClassLoader loader = DashboardEndpoint.class.getClassLoader();
			return ClassUtils.isPresent(SPRING_CSRF_TOKEN, loader) ? ClassUtils.resolveClassName(SPRING_CSRF_TOKEN,
					loader) : null;
		}

	}

	/** An answer with a status other than 200. */
	private record Status(HttpStatus status, Object body) {
	}

	/**
	 * What a write acts on.
	 *
	 * @param topic the topic
	 * @param id one job
	 * @param all {@code true} instead of an id, for every dead job of the topic
	 */
	record Target(@Nullable String topic, @Nullable String id, @Nullable Boolean all) {
	}

	/**
	 * A header a write must carry.
	 *
	 * @param header its name
	 * @param token its value
	 */
	public record Csrf(String header, String token) {
	}

	/**
	 * What the page shows.
	 *
	 * @param now when it was read
	 * @param topics every topic
	 * @param instances the running instances
	 * @param minutes the last 60 minutes across topics, oldest first
	 * @param csrf the headers a write carries
	 */
	public record Overview(Instant now, List<TopicRow> topics, List<InstanceInfo> instances, List<MinuteRow> minutes,
			List<Csrf> csrf) {
	}

	/**
	 * One topic.
	 *
	 * @param topic the topic
	 * @param pending jobs waiting
	 * @param inFlight jobs being delivered
	 * @param dead dead jobs
	 * @param overdueSeconds how long the oldest due job has waited to be claimed
	 * @param servedBy the running instances that deliver it
	 * @param unserved whether jobs of a lane are pending and no running instance delivers that lane
	 * @param deliveredLastHour deliveries that ended in the last hour, every instance's
	 * @param latenessP99Millis p99 of lateness over the last hour (upper bound of its bucket; {@code -1} past a
	 * minute), or {@code null} without deliveries
	 */
	public record TopicRow(String topic, long pending, long inFlight, long dead, double overdueSeconds,
			List<String> servedBy, boolean unserved, long deliveredLastHour, @Nullable Long latenessP99Millis) {
	}

	/**
	 * One minute across topics.
	 *
	 * @param minute its start
	 * @param delivered deliveries that ended in it
	 * @param succeeded of which succeeded
	 * @param retried of which failed and will be tried again
	 * @param dead of which went dead
	 * @param latenessP99Millis p99 of lateness of the deliveries started in it, as in {@link TopicRow}
	 */
	public record MinuteRow(Instant minute, long delivered, long succeeded, long retried, long dead,
			@Nullable Long latenessP99Millis) {
	}

	/**
	 * A job as the page shows it.
	 *
	 * @param topic the topic
	 * @param id the id
	 * @param state its state
	 * @param dueAt when it is due
	 * @param attempts attempts made
	 * @param maxAttempts its own attempt limit, or {@code null}
	 * @param createdAt when it was first scheduled
	 * @param updatedAt when it last changed (for a dead job, when it died)
	 * @param lastError the error of the last attempt, or {@code null}
	 * @param callback the callback's method and URL, or {@code null} for a local handler
	 * @param body the body as JSON text, or {@code null}
	 */
	public record JobView(String topic, String id, JobState state, Instant dueAt, int attempts,
			@Nullable Integer maxAttempts, Instant createdAt, Instant updatedAt, @Nullable String lastError,
			@Nullable String callback, @Nullable String body) {

		static JobView of(DelayedJob job) {
			return new JobView(job.topic(), job.id(), job.state(), job.dueAt(), job.attempts(), job.maxAttempts(),
					job.createdAt(), job.updatedAt(), job.lastError(),
					(job.callback() != null) ? job.callback().method() + " " + job.callback().url() : null, job.body());
		}

	}

}
