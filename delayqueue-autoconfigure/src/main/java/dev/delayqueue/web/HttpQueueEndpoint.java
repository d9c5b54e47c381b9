package dev.delayqueue.web;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobNames;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Endpoints compatible with httpqueue's clients and callback receivers, under a configurable prefix.
 * <pre>
 * POST /create {topic, delay, retry, callback, content}  → 200 {"id": "&lt;uuid&gt;"}
 * POST /delete {id}                                       → 200 {}, 404
 * POST /query  {id}                                       → 200 {id, topic, execute_time, max_retry, has_retry,
 *                                                                callback, content, creat_time}, 404
 * </pre>
 * Status codes as httpqueue documents them: {@code 200}, {@code 400} (with {@code {"error": "<field> <rule>"}}),
 * {@code 404}, {@code 500} (Redis unreachable); plus {@code 413} over the size limit and {@code 401} without the
 * configured bearer token. At the due time the callback receives {@code POST {id, topic, content}} and must answer
 * {@code {"code":100}}; {@code {"code":101}} delays the job without spending a retry; otherwise it is retried
 * {@code retry} times after 10 s, 20 s, 40 s, ...
 * <p>
 * httpqueue addresses tasks by id alone, so all of them live in one delayqueue topic (configurable); the client's
 * topic travels in the job body and the callback.
 *
 * @since 0.1.0
 */
public class HttpQueueEndpoint {

	/** Default topic of httpqueue tasks. */
	public static final String DEFAULT_TOPIC = "httpqueue";

	/** Most retries a task may ask for. */
	public static final int MAX_RETRY = 100;

	private final DelayQueue queue;

	private final String prefix;

	private final String topic;

	private final int maxRequestBytes;

	private final @Nullable String token;

	private final Clock clock;

	/**
	 * Creates the endpoints.
	 * @param queue the queue
	 * @param prefix the path prefix, empty for {@code /create} at the root
	 * @param topic the delayqueue topic that holds every httpqueue task
	 * @param maxRequestBytes largest request body
	 * @param token bearer token every request must carry, or {@code null} for none
	 * @param clock turns delays into due times
	 */
	public HttpQueueEndpoint(DelayQueue queue, String prefix, String topic, int maxRequestBytes,
			@Nullable String token, Clock clock) {
		this.queue = queue;
		this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
		this.topic = JobNames.checkTopic(topic);
		this.maxRequestBytes = maxRequestBytes;
		this.token = token;
		this.clock = clock;
	}

	/**
	 * Returns the routes.
	 * @return {@code create}, {@code delete} and {@code query} under the prefix
	 */
	public RouterFunction<ServerResponse> routes() {
		return Responses.guarded(RouterFunctions.route()
			.POST(this.prefix + "/create", this::create)
			.POST(this.prefix + "/delete", this::delete)
			.POST(this.prefix + "/query", this::query), this.token, HttpQueueEndpoint::fail);
	}

	private ServerResponse create(ServerRequest request) {
		String id = UUID.randomUUID().toString();
		this.queue.schedule(WebJson.read(request, this.maxRequestBytes, CreateTask.class)
			.toRequest(this.topic, id, this.clock.instant()));
		return Responses.json(HttpStatus.OK, new TaskAnswer.Created(id));
	}

	private ServerResponse delete(ServerRequest request) {
		String id = WebJson.read(request, this.maxRequestBytes, TaskId.class).checked();
		if (!this.queue.cancel(this.topic, id)) {
			return notFound(id);
		}
		return Responses.json(HttpStatus.OK, new TaskAnswer.Deleted());
	}

	private ServerResponse query(ServerRequest request) {
		String id = WebJson.read(request, this.maxRequestBytes, TaskId.class).checked();
		Optional<DelayedJob> job = this.queue.get(this.topic, id);
		if (job.isEmpty()) {
			return notFound(id);
		}
		return Responses.json(HttpStatus.OK, TaskView.of(job.get()));
	}

	private ServerResponse notFound(String id) {
		return fail(WebError.notFound("task '" + id + "' not found"));
	}

	/**
	 * Answers an error as {@code {"error": "..."}}. httpqueue documents 500 for every failure on the server's side, so
	 * an unreachable Redis is a 500 here, not the 503 of {@code /job}.
	 */
	private static ServerResponse fail(WebError error) {
		WebError answer = (error.status() == HttpStatus.SERVICE_UNAVAILABLE)
				? error.withStatus(HttpStatus.INTERNAL_SERVER_ERROR) : error;
		return Responses.error(answer, new TaskAnswer.Failed(answer.message()));
	}

}
