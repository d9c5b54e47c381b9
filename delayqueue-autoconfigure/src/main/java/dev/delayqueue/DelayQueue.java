package dev.delayqueue;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Schedules, changes, cancels and inspects delayed jobs. A job is identified by {@code (topic, id)}; at its due time
 * it is delivered, at least once, to the {@link dev.delayqueue.handler.DelayedJobHandler @DelayedJobHandler} of its
 * topic in one of the application instances sharing the Redis.
 * <p>
 * Every method throws {@link InvalidJobException} (nothing stored) when an argument breaks a rule, and
 * {@link DelayQueueUnavailableException} when Redis cannot be reached.
 * <p>
 * Inside an active Spring-managed transaction, {@code schedule}, {@code scheduleAll}, {@code reschedule} and
 * {@code cancel} check their arguments at once but write to Redis after the commit, in call order, and not at all on
 * a rollback ({@code delayqueue.transaction.mode=immediate} writes at once): {@code schedule} then returns
 * {@link ScheduleResult#AFTER_COMMIT}, {@code reschedule} and {@code cancel} what the job is now. A write that fails
 * after the commit is logged at error and thrown to the caller of the commit.
 *
 * @since 0.1.0
 */
public interface DelayQueue {

	/**
	 * Schedules a job due after {@code delay}, replacing any job with the same topic and id.
	 * @param topic the topic
	 * @param id the id
	 * @param body the body (written as JSON), or {@code null}
	 * @param delay how long from now
	 * @return what scheduling did
	 */
	default ScheduleResult schedule(String topic, String id, @Nullable Object body, Duration delay) {
		return schedule(JobRequest.builder(topic, id).body(body).delay(delay).build());
	}

	/**
	 * Schedules a job due at {@code dueAt}, replacing any job with the same topic and id.
	 * @param topic the topic
	 * @param id the id
	 * @param body the body (written as JSON), or {@code null}
	 * @param dueAt when; a past instant makes it due at once
	 * @return what scheduling did
	 */
	default ScheduleResult schedule(String topic, String id, @Nullable Object body, Instant dueAt) {
		return schedule(JobRequest.builder(topic, id).body(body).at(dueAt).build());
	}

	/**
	 * Schedules a job. An existing job with the same topic and id is replaced (new due time and body, attempts
	 * reset) unless the request asks {@link JobRequest#ifAbsent() ifAbsent}; see {@link ScheduleResult} for a job
	 * that is being delivered at that moment.
	 * @param request the job
	 * @return what scheduling did
	 */
	ScheduleResult schedule(JobRequest request);

	/**
	 * Schedules many jobs with few round trips: one atomic script per topic and batch. Every request is checked
	 * before anything is stored; a topic and id may appear only once.
	 * @param requests the jobs
	 * @return what scheduling did to each, in order
	 */
	List<ScheduleResult> scheduleAll(Collection<JobRequest> requests);

	/**
	 * Moves a job to a new due time, keeping its body. A pending job keeps its attempt count; a job being delivered
	 * becomes pending (the running delivery's outcome is ignored); a dead job is revived with attempts reset.
	 * @param topic the topic
	 * @param id the id
	 * @param dueAt the new due time
	 * @return the state the job was in, or empty when there is no such job
	 */
	Optional<JobState> reschedule(String topic, String id, Instant dueAt);

	/**
	 * Deletes a job in any state. A delivery already running is not interrupted; its outcome is ignored.
	 * @param topic the topic
	 * @param id the id
	 * @return whether there was such a job
	 */
	boolean cancel(String topic, String id);

	/**
	 * Reads a job.
	 * @param topic the topic
	 * @param id the id
	 * @return the job with its state and attempts, or empty when there is none (never scheduled, delivered or
	 * cancelled)
	 */
	Optional<DelayedJob> get(String topic, String id);

	/**
	 * Lists dead jobs of a topic, oldest death first.
	 * @param topic the topic
	 * @param offset how many to skip
	 * @param limit how many at most (1 to 1000)
	 * @return the dead jobs
	 */
	List<DelayedJob> deadJobs(String topic, long offset, int limit);

	/**
	 * Makes a dead job pending again, due now, with its attempts reset.
	 * @param topic the topic
	 * @param id the id
	 * @return whether there was such a dead job
	 */
	boolean redrive(String topic, String id);

	/**
	 * Makes every dead job of a topic pending again, due now, with attempts reset.
	 * @param topic the topic
	 * @return how many jobs were redriven
	 */
	long redriveAll(String topic);

	/**
	 * Deletes a dead job.
	 * @param topic the topic
	 * @param id the id
	 * @return whether there was such a dead job
	 */
	boolean purge(String topic, String id);

	/**
	 * Deletes every dead job of a topic.
	 * @param topic the topic
	 * @return how many were deleted
	 */
	long purgeAll(String topic);

	/**
	 * Counts a topic's jobs in each state.
	 * @param topic the topic
	 * @return the counts
	 */
	TopicStats stats(String topic);

	/**
	 * Returns every topic jobs were ever scheduled on (with this key prefix).
	 * @return the topics
	 */
	Set<String> topics();


	/**
	 * Creates or changes a recurring job: stores its schedule and its first occurrence, the first after now. Calling
	 * it again with the same schedule changes nothing, so every instance may declare the same recurring jobs when
	 * it starts. A changed schedule moves a pending occurrence that has not started to the new schedule's first time
	 * after now; an occurrence being delivered or retried finishes as it was, and the next one follows the new
	 * schedule. Not bound to a transaction.
	 * @param job the recurring job
	 * @return when its pending occurrence is due
	 * @throws InvalidJobException when a job of the topic that is not this schedule's occurrence has its name as id
	 */
	Instant scheduleRecurring(RecurringJob job);

	/**
	 * Lists the recurring jobs.
	 * @return every recurring job, by name
	 */
	List<RecurringSchedule> recurringJobs();

	/**
	 * Removes a recurring job and its pending occurrence. An occurrence being delivered finishes, and no next one
	 * is stored; its dead occurrences stay until purged.
	 * @param name the schedule's name
	 * @return whether there was such a recurring job
	 */
	boolean removeRecurring(String name);

}
