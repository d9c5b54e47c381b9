package dev.delayqueue.autoconfigure;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.RecurringSchedule;
import dev.delayqueue.DelayQueueUnavailableException;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.store.InstanceInfo;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.TopicSnapshot;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.dao.DataAccessException;

/**
 * The {@code delayqueue} Actuator endpoint ({@code /actuator/delayqueue} over HTTP). Reads: every topic with its
 * counts, overdue age and the running instances that serve it, and the instances themselves; one topic with its
 * oldest dead jobs. Writes: redrive ({@code POST /actuator/delayqueue/{topic}}, body {@code {"id": "…"}} for one
 * job, empty for all dead jobs of the topic) and purge ({@code DELETE /actuator/delayqueue/{topic}[?id=…]}) of dead
 * jobs. Exposure and security follow Spring Boot's rules for any endpoint
 * ({@code management.endpoints.web.exposure.include=delayqueue}).
 *
 * @since 0.1.0
 */
@Endpoint(id = "delayqueue")
public final class DelayQueueEndpoint {

	/** Dead jobs shown per topic. */
	static final int DEAD_JOBS_SHOWN = 100;

	private final DelayQueue queue;

	private final JobStore store;

	private final Clock clock;

	/**
	 * Creates the endpoint.
	 * @param queue the queue, for redrive and purge
	 * @param store the store, for counts and instances
	 * @param clock delayqueue's clock
	 */
	public DelayQueueEndpoint(DelayQueue queue, JobStore store, Clock clock) {
		this.queue = queue;
		this.store = store;
		this.clock = clock;
	}

	/**
	 * Every topic, every running instance and every recurring job.
	 * @return the overview
	 */
	@ReadOperation
	public WebEndpointResponse<Object> overview() {
		return answer(() -> {
			List<InstanceInfo> instances = this.store.instances();
			// the registry of every topic holds the callback topics too
			Set<String> all = new TreeSet<>(this.store.topics(Lane.LOCAL));
			Instant now = this.clock.instant();
			Map<String, TopicView> topics = new LinkedHashMap<>();
			for (String topic : all) {
				topics.put(topic, TopicView.of(this.store.snapshot(topic), now, instances));
			}
			List<RecurringSchedule> recurring;
			try {
				recurring = this.queue.recurringJobs();
			}
			catch (UnsupportedOperationException ex) {
				recurring = List.of(); // a job store that keeps no recurring jobs
			}
			return new Overview(topics, instances, recurring);
		});
	}

	/**
	 * One topic, with its oldest dead jobs.
	 * @param topic the topic
	 * @return the topic
	 */
	@ReadOperation
	public WebEndpointResponse<Object> topic(@Selector String topic) {
		return answer(() -> {
			TopicSnapshot snapshot = this.store.snapshot(topic);
			List<DeadJob> dead = new ArrayList<>();
			for (DelayedJob job : this.queue.deadJobs(topic, 0, DEAD_JOBS_SHOWN)) {
				dead.add(new DeadJob(job.id(), job.attempts(), job.lastError(), job.updatedAt(), job.body()));
			}
			return new TopicDetail(topic, TopicView.of(snapshot, this.clock.instant(), this.store.instances()), dead);
		});
	}

	/**
	 * Makes dead jobs of a topic pending again, due now: one, or every job dead when the call started.
	 * @param topic the topic
	 * @param id the job, or {@code null} for all dead jobs of the topic
	 * @return {@code {"redriven": n}}
	 */
	@WriteOperation
	public WebEndpointResponse<Object> redrive(@Selector String topic, @Nullable String id) {
		return answer(() -> Map.of("redriven",
				(id != null) ? (this.queue.redrive(topic, id) ? 1L : 0L) : this.queue.redriveAll(topic)));
	}

	/**
	 * Deletes dead jobs of a topic: one, or all.
	 * @param topic the topic
	 * @param id the job, or {@code null} for all dead jobs of the topic
	 * @return {@code {"purged": n}}
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> purge(@Selector String topic, @Nullable String id) {
		return answer(() -> Map.of("purged",
				(id != null) ? (this.queue.purge(topic, id) ? 1L : 0L) : this.queue.purgeAll(topic)));
	}

	private static WebEndpointResponse<Object> answer(Supplier<Object> body) {
		try {
			return new WebEndpointResponse<>(body.get());
		}
		catch (InvalidJobException ex) {
			return new WebEndpointResponse<>(Map.of("error", String.valueOf(ex.getMessage()), "field", ex.field()),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		catch (DelayQueueUnavailableException | DataAccessException ex) {
			return new WebEndpointResponse<>(Map.of("error", "Redis cannot be reached: " + ex.getMessage()),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

	/**
	 * Every topic, every running instance and every recurring job.
	 *
	 * @param topics each topic jobs were ever scheduled on, by name
	 * @param instances the running instances
	 * @param recurring the recurring jobs, by name, with when each one's pending occurrence is due
	 */
	public record Overview(Map<String, TopicView> topics, List<InstanceInfo> instances,
			List<RecurringSchedule> recurring) {
	}

	/**
	 * One topic as the endpoint shows it.
	 *
	 * @param pending jobs waiting for their due time or next attempt
	 * @param inFlight jobs being delivered
	 * @param dead dead jobs
	 * @param overdueSeconds how long the oldest due job has waited to be claimed
	 * @param servedBy ids of the running instances that deliver the topic's pending jobs: those with a handler for
	 * it, and callback dispatchers when it has pending callback jobs
	 * @param unserved whether jobs of a lane are pending and no running instance delivers that lane
	 */
	public record TopicView(long pending, long inFlight, long dead, double overdueSeconds, List<String> servedBy,
			boolean unserved) {

		static TopicView of(TopicSnapshot snapshot, Instant now, List<InstanceInfo> instances) {
			return new TopicView(snapshot.stats().pending(), snapshot.stats().inFlight(), snapshot.stats().dead(),
					snapshot.overdue(now).toMillis() / 1000.0, snapshot.servedBy(instances), snapshot.unserved(instances));
		}

	}

	/**
	 * One topic with its oldest dead jobs.
	 *
	 * @param topic the topic
	 * @param counts its counts and the instances that serve it
	 * @param deadJobs its dead jobs, oldest death first, at most {@value #DEAD_JOBS_SHOWN}
	 */
	public record TopicDetail(String topic, TopicView counts, List<DeadJob> deadJobs) {
	}

	/**
	 * A dead job as the endpoint shows it.
	 *
	 * @param id the id
	 * @param attempts attempts made
	 * @param lastError the error of the last attempt
	 * @param diedAt when it went dead
	 * @param body the body as JSON text, or {@code null}
	 */
	public record DeadJob(String id, int attempts, @Nullable String lastError, Instant diedAt, @Nullable String body) {
	}

}
