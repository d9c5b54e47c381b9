package dev.delayqueue.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobState;
import dev.delayqueue.ScheduleResult;
import dev.delayqueue.TopicStats;

/**
 * Where jobs live between scheduling and delivery. Every operation that changes a job's state is atomic: it
 * happens whole or not at all, also when the process calling it dies. Operations that end a delivery take the
 * claim's {@link Lease} and leave a job alone whose lease token no longer matches (it was cancelled, replaced or
 * claimed again). Times are epoch milliseconds of the caller's clock. Implementations throw Spring's
 * {@link org.springframework.dao.DataAccessException} when the store cannot be reached.
 *
 * @since 0.1.0
 */
public interface JobStore {

	/**
	 * Creates or replaces jobs of one topic, atomically for the jobs of each partition. A job that exists is
	 * replaced where it is.
	 * @param topic the topic
	 * @param jobs the jobs, ids unique within the batch
	 * @param ifAbsent whether to leave existing jobs alone
	 * @param now the current time (epoch ms)
	 * @return what happened to each job, in order
	 */
	List<ScheduleResult> schedule(String topic, List<StoredJob> jobs, boolean ifAbsent, long now);

	/**
	 * Makes jobs whose lease ran out due again (in their own lane), then claims due jobs of one lane under a lease.
	 * @param partition the topic partition
	 * @param lane the lane to claim from
	 * @param now the current time (epoch ms); jobs due at or before it are claimed
	 * @param limit the most jobs to claim (and to recover from expired leases)
	 * @param leaseMillis how long the lease lasts
	 * @param tokenBase a value unique to this call, the base of each job's lease token
	 * @return what was claimed and when the next job is due
	 */
	ClaimResult claim(TopicPartition partition, Lane lane, long now, int limit, long leaseMillis, String tokenBase);

	/**
	 * Claims due jobs as {@link #claim(TopicPartition, Lane, long, int, long, String)} does, at most as many as the
	 * partition's rate limit lets through: a token bucket shared by every instance, refilled at {@code ratePerSecond}
	 * up to {@code burst}. A store without rate limits ignores it.
	 * @param partition the topic partition
	 * @param lane the lane to claim from
	 * @param now the current time (epoch ms)
	 * @param limit the most jobs to claim
	 * @param leaseMillis how long the lease lasts
	 * @param tokenBase a value unique to this call
	 * @param ratePerSecond claims a second this partition lets through, all instances together; 0 for no limit
	 * @param burst the most claims at once, at least 1
	 * @return what was claimed, when the next job is due, and when the rate limit lets the next one through
	 */
	default ClaimResult claim(TopicPartition partition, Lane lane, long now, int limit, long leaseMillis,
			String tokenBase, double ratePerSecond, int burst) {
		return claim(partition, lane, now, limit, leaseMillis, tokenBase);
	}

	/**
	 * Deletes jobs whose delivery succeeded.
	 * @param partition the partition they were claimed from
	 * @param leases the claims
	 * @return ids whose token no longer matched: left as they are
	 */
	List<String> complete(TopicPartition partition, List<Lease> leases);

	/**
	 * Records attempts that did not succeed: each job is pending again at its next attempt time, or dead.
	 * @param partition the partition they were claimed from
	 * @param lane the lane the jobs were claimed from
	 * @param outcomes the outcomes
	 * @param now the current time (epoch ms)
	 * @return ids whose token no longer matched: left as they are
	 */
	List<String> fail(TopicPartition partition, Lane lane, List<Outcome> outcomes, long now);

	/**
	 * Extends the leases of jobs a live worker still holds.
	 * @param partition the partition they were claimed from
	 * @param leases the claims
	 * @param leaseEnd the new lease end (epoch ms)
	 * @return ids whose token no longer matched
	 */
	List<String> extend(TopicPartition partition, List<Lease> leases, long leaseEnd);

	/**
	 * Deletes a job in any state.
	 * @param topic the topic
	 * @param id the id
	 * @return the state it was in, empty when there was no such job
	 */
	Optional<JobState> cancel(String topic, String id);

	/**
	 * Moves a job to a new due time, keeping its body: a pending job keeps its attempts, an in-flight job becomes
	 * pending (the running delivery's outcome is ignored), a dead job is revived with attempts reset.
	 * @param topic the topic
	 * @param id the id
	 * @param dueAt the new due time (epoch ms)
	 * @param requiredState only change a job in this state, or {@code null} for any
	 * @param now the current time (epoch ms)
	 * @return the state the job was in, empty when there was no such job (in the required state)
	 */
	Optional<JobState> reschedule(String topic, String id, long dueAt, @Nullable JobState requiredState, long now);

	/**
	 * Reads a job.
	 * @param topic the topic
	 * @param id the id
	 * @return the job, empty when there is none
	 */
	Optional<DelayedJob> get(String topic, String id);

	/**
	 * Lists dead jobs, oldest death first.
	 * @param topic the topic
	 * @param offset how many to skip
	 * @param limit how many at most
	 * @return the dead jobs
	 */
	List<DelayedJob> dead(String topic, long offset, int limit);

	/**
	 * Deletes dead jobs.
	 * @param topic the topic
	 * @param ids the ids; ids of jobs that are not dead are skipped
	 * @return how many were deleted
	 */
	long purge(String topic, List<String> ids);

	/**
	 * Counts the jobs of a topic in each state.
	 * @param topic the topic
	 * @return the counts
	 */
	TopicStats stats(String topic);

	/**
	 * Reads a topic's counts and its oldest pending due time in one round trip per node.
	 * @param topic the topic
	 * @return the snapshot
	 */
	TopicSnapshot snapshot(String topic);

	/**
	 * Announces (or renews) a running instance: its record expires after {@code ttl} unless renewed.
	 * @param instance the instance, with the heartbeat time
	 * @param ttl how long the record lives without another heartbeat
	 */
	void heartbeat(InstanceInfo instance, Duration ttl);

	/**
	 * Removes an instance's record at once, when it stops.
	 * @param id the instance's id
	 */
	void leave(String id);

	/**
	 * Lists the instances whose records have not expired.
	 * @return the running instances, by id
	 */
	List<InstanceInfo> instances();

	/**
	 * Adds to the counters of one minute, shared by every instance (what the dashboard charts); the minute's
	 * counters expire {@code ttl} after their last change.
	 * @param minute the minute (epoch minutes)
	 * @param increments counter name to amount
	 * @param ttl how long the minute's counters live
	 */
	void addMinuteCounts(long minute, Map<String, Long> increments, Duration ttl);

	/**
	 * Reads the counters of a range of minutes in one round trip.
	 * @param fromMinute the first minute (epoch minutes)
	 * @param toMinute the last minute, inclusive
	 * @return the counters of each minute that has any, by minute
	 */
	Map<Long, Map<String, Long>> minuteCounts(long fromMinute, long toMinute);

	/**
	 * Returns the topics that jobs of a lane were ever scheduled on: every topic for {@link Lane#LOCAL}, topics
	 * that had jobs with a callback for {@link Lane#HTTP}.
	 * @param lane the lane
	 * @return the topics
	 */
	Set<String> topics(Lane lane);

	/**
	 * Returns every partition that may hold jobs of a topic: those of its configured count and of any count it was
	 * used with before. Workers claim from all of them.
	 * @param topic the topic
	 * @return the partitions, from 0
	 */
	List<TopicPartition> partitions(String topic);


	/**
	 * Creates or replaces one job, unless the request with this id was applied before (within {@code window}): what
	 * the outbox's relay calls, since it may send a request again after a crash.
	 * @param topic the topic
	 * @param job the job
	 * @param ifAbsent whether to leave an existing job alone
	 * @param requestId the request's id, unique across requests
	 * @param window how long the store remembers that the request was applied
	 * @param now the current time (epoch ms)
	 * @return what scheduling did, or empty when the request was applied before
	 * @throws UnsupportedOperationException when the store cannot tell
	 */
	default Optional<ScheduleResult> scheduleOnce(String topic, StoredJob job, boolean ifAbsent, String requestId,
			Duration window, long now) {
		throw new UnsupportedOperationException(getClass().getName() + " cannot schedule a request once");
	}

	/**
	 * Deletes a job in any state, unless the request with this id was made before (within {@code window}).
	 * @param topic the topic
	 * @param id the id
	 * @param requestId the request's id, unique across requests
	 * @param window how long the store remembers that the request was made
	 * @return what it did
	 * @throws UnsupportedOperationException when the store cannot tell
	 */
	default OnceOutcome cancelOnce(String topic, String id, String requestId, Duration window) {
		throw new UnsupportedOperationException(getClass().getName() + " cannot cancel a request once");
	}

	/**
	 * Moves a job to a new due time as {@link #reschedule} does, unless the request with this id was made before
	 * (within {@code window}).
	 * @param topic the topic
	 * @param id the id
	 * @param dueAt the new due time (epoch ms)
	 * @param requestId the request's id, unique across requests
	 * @param window how long the store remembers that the request was made
	 * @param now the current time (epoch ms)
	 * @return what it did
	 * @throws UnsupportedOperationException when the store cannot tell
	 */
	default OnceOutcome rescheduleOnce(String topic, String id, long dueAt, String requestId, Duration window,
			long now) {
		throw new UnsupportedOperationException(getClass().getName() + " cannot reschedule a request once");
	}

	/**
	 * Reads the stored definitions of recurring jobs.
	 * @return definition text by schedule name
	 * @throws UnsupportedOperationException when the store keeps no recurring jobs
	 */
	default Map<String, String> recurringDefinitions() {
		throw new UnsupportedOperationException(getClass().getName() + " keeps no recurring jobs");
	}

	/**
	 * Reads the stored definitions of some recurring jobs in one round trip.
	 * @param names the schedule names
	 * @return definition text by schedule name, for those that exist
	 * @throws UnsupportedOperationException when the store keeps no recurring jobs
	 */
	default Map<String, String> recurringDefinitions(Collection<String> names) {
		throw new UnsupportedOperationException(getClass().getName() + " keeps no recurring jobs");
	}

	/**
	 * Stores (or replaces) the definition of a recurring job.
	 * @param name the schedule name
	 * @param definition the definition text
	 * @throws UnsupportedOperationException when the store keeps no recurring jobs
	 */
	default void saveRecurringDefinition(String name, String definition) {
		throw new UnsupportedOperationException(getClass().getName() + " keeps no recurring jobs");
	}

	/**
	 * Deletes the definition of a recurring job.
	 * @param name the schedule name
	 * @return whether there was one
	 * @throws UnsupportedOperationException when the store keeps no recurring jobs
	 */
	default boolean deleteRecurringDefinition(String name) {
		throw new UnsupportedOperationException(getClass().getName() + " keeps no recurring jobs");
	}

	/**
	 * Stores the pending occurrence of a recurring job, atomically and idempotently: created when there is none,
	 * left alone when the one stored was planned with the same version, moved when it was planned with another
	 * version and has not started.
	 * @param topic the topic
	 * @param occurrence the occurrence
	 * @param job its job: id the schedule name, due at the occurrence's time
	 * @param now the current time (epoch ms)
	 * @return what it did
	 * @throws UnsupportedOperationException when the store keeps no recurring jobs
	 */
	default OccurrenceUpsert upsertOccurrence(String topic, Occurrence occurrence, StoredJob job, long now) {
		throw new UnsupportedOperationException(getClass().getName() + " keeps no recurring jobs");
	}

	/**
	 * Deletes the occurrence of a recurring job, in any state, when the job {@code (topic, schedule)} is one.
	 * @param topic the topic
	 * @param schedule the schedule name
	 * @return the state it was in, empty when there was none
	 * @throws UnsupportedOperationException when the store keeps no recurring jobs
	 */
	default Optional<JobState> dropOccurrence(String topic, String schedule) {
		throw new UnsupportedOperationException(getClass().getName() + " keeps no recurring jobs");
	}

	/**
	 * Ends deliveries of occurrences that succeeded, were skipped or died, each with its next occurrence stored in
	 * the same atomic step (a dead one is first copied to a dead job of its own).
	 * @param partition the partition they were claimed from
	 * @param outcomes the outcomes
	 * @param now the current time (epoch ms)
	 * @return ids whose token no longer matched: left as they are
	 * @throws UnsupportedOperationException when the store keeps no recurring jobs
	 */
	default List<String> recur(TopicPartition partition, List<Recurred> outcomes, long now) {
		throw new UnsupportedOperationException(getClass().getName() + " keeps no recurring jobs");
	}

}
