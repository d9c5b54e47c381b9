package dev.delayqueue.web;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobNames;
import dev.delayqueue.JobRequest;
import dev.delayqueue.ScheduleResult;

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
		return Responses.guarded(RouterFunctions.route()
			.POST(this.path, this::create)
			.GET(this.path, this::read)
			.DELETE(this.path, this::delete)
			.GET(this.path + "/stats", this::stats)
			.GET(this.path + "/dead", this::dead)
			.POST(this.path + "/dead/redrive", this::redrive)
			.DELETE(this.path + "/dead", this::purge), this.token, JobEndpoint::fail);
	}

	private ServerResponse create(ServerRequest request) {
		Instant now = this.clock.instant();
		JobRequest job = WebJson.read(request, this.maxRequestBytes, JobPost.class).toRequest(now);
		ScheduleResult result = this.queue.schedule(job);
		// stored to the millisecond: the receipt says the time the job has
		JobReceipt receipt = new JobReceipt(job.topic() + "-" + job.id(),
				job.dueAt(now).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
		return switch (result) {
			case CREATED -> Responses.json(HttpStatus.CREATED, JobEnvelope.success("job added", receipt));
			// only when an application wraps the endpoint in a transaction: written when it commits
			case AFTER_COMMIT -> Responses.json(HttpStatus.ACCEPTED,
					JobEnvelope.success("job accepted, written when the transaction commits", receipt));
			case ALREADY_EXISTS -> Responses.json(HttpStatus.CONFLICT, JobEnvelope.failure(
					"job '" + job.id() + "' of topic '" + job.topic() + "' already exists (if_absent)", receipt));
			default -> Responses.json(HttpStatus.OK, JobEnvelope.success("job replaced", receipt));
		};
	}

	private ServerResponse read(ServerRequest request) {
		String topic = JobNames.checkTopic(param(request, "topic"));
		String id = JobNames.checkId(param(request, "id"));
		Optional<DelayedJob> job = this.queue.get(topic, id);
		if (job.isEmpty()) {
			return notFound(topic, id);
		}
		return ok("ok", JobView.of(job.get()));
	}

	private ServerResponse delete(ServerRequest request) {
		String topic = JobNames.checkTopic(param(request, "topic"));
		String id = JobNames.checkId(param(request, "id"));
		if (!this.queue.cancel(topic, id)) {
			return notFound(topic, id);
		}
		return ok("job deleted", null);
	}

	private ServerResponse stats(ServerRequest request) {
		return ok("ok", JobStats.of(this.queue.stats(JobNames.checkTopic(param(request, "topic")))));
	}

	private ServerResponse dead(ServerRequest request) {
		String topic = JobNames.checkTopic(param(request, "topic"));
		long offset = intParam(request, "offset", 0, Integer.MAX_VALUE, 0);
		int limit = (int) intParam(request, "limit", 1, 1000, 100);
		return ok("ok", this.queue.deadJobs(topic, offset, limit).stream().map(JobView::of).toList());
	}

	private ServerResponse redrive(ServerRequest request) {
		return onDead(request, "redriven", this.queue::redrive, this.queue::redriveAll);
	}

	private ServerResponse purge(ServerRequest request) {
		return onDead(request, "purged", this.queue::purge, this.queue::purgeAll);
	}

	/**
	 * Acts on the dead job named by {@code id}, or on every dead job of the topic without one; the data counts them
	 * as {@code {"<done>": n}}.
	 */
	private ServerResponse onDead(ServerRequest request, String done, BiPredicate<String, String> one,
			ToLongFunction<String> all) {
		String topic = JobNames.checkTopic(param(request, "topic"));
		Optional<String> id = request.param("id");
		if (id.isPresent()) {
			if (!one.test(topic, JobNames.checkId(id.get()))) {
				return fail(WebError.notFound("no dead job '" + id.get() + "' in topic '" + topic + "'"));
			}
			return ok("job " + done, Map.of(done, 1L));
		}
		return ok("jobs " + done, Map.of(done, all.applyAsLong(topic)));
	}

	private ServerResponse notFound(String topic, String id) {
		return fail(WebError.notFound("job '" + id + "' of topic '" + topic + "' not found"));
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

	private static ServerResponse ok(String message, @Nullable Object data) {
		return Responses.json(HttpStatus.OK, JobEnvelope.success(message, data));
	}

	private static ServerResponse fail(WebError error) {
		return Responses.error(error, JobEnvelope.failure(error));
	}

}
