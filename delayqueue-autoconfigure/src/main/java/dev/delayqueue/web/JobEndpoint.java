package dev.delayqueue.web;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayQueueUnavailableException;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobNames;
import dev.delayqueue.JobRequest;
import dev.delayqueue.JobTooLargeException;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TopicStats;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The {@code /job} endpoint, compatible with delay_queue_callback's clients and callback receivers.
 * <pre>
 * POST   /job                       {topic, id, delay | run_at, callback, body, ...}   201 added, 200 replaced
 * GET    /job?topic=&amp;id=            the job, with job_sign = "topic-id"               200, 404
 * DELETE /job?topic=&amp;id=            cancels the job in any state                      200, 404
 * GET    /job/stats?topic=           pending, in-flight and dead counts                200
 * GET    /job/dead?topic=&amp;offset=&amp;limit=   dead jobs, oldest death first             200
 * POST   /job/dead/redrive?topic=[&amp;id=]  dead job(s) due again now, attempts reset      200, 404
 * DELETE /job/dead?topic=[&amp;id=]     deletes dead job(s)                                200, 404
 * </pre>
 * Every answer is the envelope {@code {"success": 1|0, "message": "...", "data": ...}} with a real status code:
 * {@code 400} naming the field and the rule, {@code 401} without the configured bearer token, {@code 404},
 * {@code 409} when {@code if_absent} finds a job, {@code 413} over the size limit, {@code 503} when Redis is
 * unreachable. At the due time the job's callback receives, by default, {@code PUT} with
 * {@code {topic, id, delay, callback, body, job_sign}} and must answer {@code ok}.
 *
 * @since 0.1.0
 */
public class JobEndpoint {

	/** Default base path. */
	public static final String DEFAULT_PATH = "/job";

	/** Default largest request body, in bytes. */
	public static final int DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(JobEndpoint.class);

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final DelayQueue queue;

	private final String path;

	private final int maxRequestBytes;

	private final @Nullable String token;

	private final Clock clock;

	/**
	 * Creates the endpoint.
	 * @param queue the queue
	 * @param path the base path, for example {@code /job}
	 * @param maxRequestBytes largest request body
	 * @param token bearer token every request must carry, or {@code null} for none
	 * @param clock turns delays into due times
	 */
	public JobEndpoint(DelayQueue queue, String path, int maxRequestBytes, @Nullable String token, Clock clock) {
		this.queue = queue;
		this.path = path;
		this.maxRequestBytes = maxRequestBytes;
		this.token = token;
		this.clock = clock;
	}

	/**
	 * Returns the routes.
	 * @return the routes under the base path
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.POST(this.path, this::create)
			.GET(this.path, this::read)
			.DELETE(this.path, this::delete)
			.GET(this.path + "/stats", this::stats)
			.GET(this.path + "/dead", this::dead)
			.POST(this.path + "/dead/redrive", this::redrive)
			.DELETE(this.path + "/dead", this::purge)
			.filter((request, next) -> Responses.authorized(request, this.token) ? next.handle(request)
					: Responses.unauthorized(envelope(false, "missing or wrong bearer token", null)))
			.onError(Throwable.class, this::error)
			.build();
	}

	private ServerResponse create(ServerRequest request) {
		Instant now = this.clock.instant();
		JobRequest job = WebJson.read(request, this.maxRequestBytes, JobPost.class).toRequest(now);
		ScheduleResult result = this.queue.schedule(job);
		ObjectNode data = NODES.objectNode();
		data.put("job_sign", job.topic() + "-" + job.id());
		data.put("due_at", job.dueAt(now).toString());
		return switch (result) {
			case CREATED -> respond(HttpStatus.CREATED, true, "job added", data);
			case ALREADY_EXISTS -> respond(HttpStatus.CONFLICT, false,
					"job '" + job.id() + "' of topic '" + job.topic() + "' already exists (if_absent)", data);
			default -> respond(HttpStatus.OK, true, "job replaced", data);
		};
	}

	private ServerResponse read(ServerRequest request) {
		String topic = JobNames.checkTopic(param(request, "topic"));
		String id = JobNames.checkId(param(request, "id"));
		Optional<DelayedJob> job = this.queue.get(topic, id);
		if (job.isEmpty()) {
			return notFound(topic, id);
		}
		return respond(HttpStatus.OK, true, "ok", describe(job.get()));
	}

	private ServerResponse delete(ServerRequest request) {
		String topic = JobNames.checkTopic(param(request, "topic"));
		String id = JobNames.checkId(param(request, "id"));
		if (!this.queue.cancel(topic, id)) {
			return notFound(topic, id);
		}
		return respond(HttpStatus.OK, true, "job deleted", null);
	}

	private ServerResponse stats(ServerRequest request) {
		TopicStats stats = this.queue.stats(JobNames.checkTopic(param(request, "topic")));
		ObjectNode data = NODES.objectNode();
		data.put("topic", stats.topic());
		data.put("pending", stats.pending());
		data.put("in_flight", stats.inFlight());
		data.put("dead", stats.dead());
		return respond(HttpStatus.OK, true, "ok", data);
	}

	private ServerResponse dead(ServerRequest request) {
		String topic = JobNames.checkTopic(param(request, "topic"));
		long offset = intParam(request, "offset", 0, Integer.MAX_VALUE, 0);
		int limit = (int) intParam(request, "limit", 1, 1000, 100);
		List<DelayedJob> jobs = this.queue.deadJobs(topic, offset, limit);
		ArrayNode data = NODES.arrayNode();
		jobs.forEach((job) -> data.add(describe(job)));
		return respond(HttpStatus.OK, true, "ok", data);
	}

	private ServerResponse redrive(ServerRequest request) {
		return onDead(request, "redriven", this.queue::redrive, this.queue::redriveAll);
	}

	private ServerResponse purge(ServerRequest request) {
		return onDead(request, "purged", this.queue::purge, this.queue::purgeAll);
	}

	/** Acts on the dead job named by {@code id}, or on every dead job of the topic without one. */
	private ServerResponse onDead(ServerRequest request, String done, BiPredicate<String, String> one,
			ToLongFunction<String> all) {
		String topic = JobNames.checkTopic(param(request, "topic"));
		Optional<String> id = request.param("id");
		if (id.isPresent()) {
			if (!one.test(topic, JobNames.checkId(id.get()))) {
				return respond(HttpStatus.NOT_FOUND, false, "no dead job '" + id.get() + "' in topic '" + topic + "'",
						null);
			}
			return respond(HttpStatus.OK, true, "job " + done, count(done, 1));
		}
		return respond(HttpStatus.OK, true, "jobs " + done, count(done, all.applyAsLong(topic)));
	}

	private static ObjectNode count(String name, long value) {
		ObjectNode data = NODES.objectNode();
		data.put(name, value);
		return data;
	}

	static ObjectNode describe(DelayedJob job) {
		ObjectNode data = NODES.objectNode();
		JsonNode stored = WebJson.readStored(job.body());
		boolean envelope = stored != null && stored.isObject() && stored.has("job_sign");
		data.put("topic", job.topic());
		data.put("id", job.id());
		data.set("delay", envelope ? stored.get("delay") : NODES.numberNode(job.dueAt().getEpochSecond()));
		if (job.callback() != null) {
			data.put("callback", job.callback().url().toString());
			data.put("method", job.callback().method());
			data.put("success", job.callback().success().wireName());
		}
		data.set("body", envelope ? stored.get("body") : stored);
		data.put("job_sign", job.topic() + "-" + job.id());
		data.put("state", switch (job.state()) {
			case PENDING -> "pending";
			case IN_FLIGHT -> "in_flight";
			case DEAD -> "dead";
		});
		data.put("due_at", job.dueAt().toString());
		data.put("attempts", job.attempts());
		if (job.maxAttempts() != null) {
			data.put("max_attempts", job.maxAttempts());
		}
		data.put("created_at", job.createdAt().toString());
		data.put("updated_at", job.updatedAt().toString());
		if (job.lastError() != null) {
			data.put("last_error", job.lastError());
		}
		return data;
	}

	private ServerResponse notFound(String topic, String id) {
		return respond(HttpStatus.NOT_FOUND, false, "job '" + id + "' of topic '" + topic + "' not found", null);
	}

	private static String param(ServerRequest request, String name) {
		return request.param(name).orElseThrow(() -> new InvalidJobException(name, "query parameter is required"));
	}

	private static long intParam(ServerRequest request, String name, long min, long max, long fallback) {
		Optional<String> value = request.param(name);
		if (value.isEmpty()) {
			return fallback;
		}
		try {
			long parsed = Long.parseLong(value.get().trim());
			if (parsed >= min && parsed <= max) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new InvalidJobException(name, "must be a whole number between " + min + " and " + max + ", was '"
				+ value.get() + "'");
	}

	private ServerResponse error(Throwable error, ServerRequest request) {
		if (error instanceof JobTooLargeException tooLarge) {
			return respond(HttpStatus.CONTENT_TOO_LARGE, false, tooLarge.getMessage(), field(tooLarge.field()));
		}
		if (error instanceof InvalidJobException invalid) {
			return respond(HttpStatus.BAD_REQUEST, false, invalid.getMessage(), field(invalid.field()));
		}
		if (error instanceof DelayQueueUnavailableException unavailable) {
			return respond(HttpStatus.SERVICE_UNAVAILABLE, false, unavailable.getMessage(), null);
		}
		logger.error("Unexpected error answering {} {}", request.method(), request.path(), error);
		return respond(HttpStatus.INTERNAL_SERVER_ERROR, false, "internal error: " + error.getClass().getSimpleName(),
				null);
	}

	private static ObjectNode field(String field) {
		ObjectNode data = NODES.objectNode();
		data.put("field", field);
		return data;
	}

	private static ServerResponse respond(HttpStatus status, boolean success, String message, @Nullable JsonNode data) {
		return Responses.json(status, envelope(success, message, data));
	}

	private static ObjectNode envelope(boolean success, String message, @Nullable JsonNode data) {
		ObjectNode envelope = NODES.objectNode();
		envelope.put("success", success ? 1 : 0);
		envelope.put("message", message);
		envelope.set("data", (data != null) ? data : NODES.nullNode());
		return envelope;
	}

}
