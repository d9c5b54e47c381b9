package dev.delayqueue;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A job to schedule: its topic and id, when it is due, its body and options. Build one with
 * {@link #builder(String, String)}; the builder checks every rule and throws {@link InvalidJobException} naming
 * the field. When the job is due follows {@link DueTime}: at most 100 years ahead, checked when it is scheduled.
 *
 * @param topic the topic, which selects the handler
 * @param id the id, unique within the topic
 * @param dueAt when the job is due (absolute; a past instant makes it due at once, before 1970 means 1970), or {@code null} when {@code delay} is used
 * @param delay how long after scheduling the job is due, or {@code null} when {@code dueAt} is used
 * @param body the body, serialized to JSON when scheduled; {@code null} for none
 * @param maxAttempts the job's own limit on delivery attempts, or {@code null} for the handler's retry policy
 * @param ifAbsent whether to leave an existing job with the same topic and id alone instead of replacing it
 * @param callback where to deliver the job over HTTP, or {@code null} to deliver it to the topic's local handler
 * @param backoff the job's own wait between failed attempts, or {@code null} for its topic's retry policy
 * @since 0.1.0
 */
public record JobRequest(String topic, String id, @Nullable Instant dueAt, @Nullable Duration delay,
		@Nullable Object body, @Nullable Integer maxAttempts, boolean ifAbsent, @Nullable JobCallback callback,
		@Nullable Backoff backoff) {

	/** Largest {@code maxAttempts} a job may ask for. */
	public static final int MAX_ATTEMPTS_LIMIT = 10_000;

	/**
	 * Checks the rules; see {@link JobNames} for topic and id.
	 */
	public JobRequest {
		JobNames.checkTopic(topic);
		JobNames.checkId(id);
		if ((dueAt == null) == (delay == null)) {
			throw new InvalidJobException("dueAt", "or delay must be given, not both and not neither");
		}
		if (delay != null) {
			DueTime.checkDelay("delay", delay);
		}
		if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT)) {
			throw new InvalidJobException("maxAttempts", "must be between 1 and " + MAX_ATTEMPTS_LIMIT + ", was "
					+ maxAttempts);
		}
	}

	/**
	 * Returns the due time of this request when scheduled at {@code now}, by the rule of {@link DueTime}.
	 * @param now the current time
	 * @return {@code dueAt} ({@code now} when it is in the past), or {@code now + delay}
	 * @throws InvalidJobException when {@code dueAt} is more than 100 years after {@code now}
	 */
	public Instant dueAt(Instant now) {
		return (this.dueAt != null) ? DueTime.at("dueAt", this.dueAt, now) : DueTime.after("delay", this.delay, now);
	}

	/**
	 * Starts a request for the job {@code (topic, id)}.
	 * @param topic the topic
	 * @param id the id
	 * @return a builder; give it a {@link Builder#delay(Duration) delay} or an {@link Builder#at(Instant) instant}
	 */
	public static Builder builder(String topic, String id) {
		return new Builder(topic, id);
	}

	/**
	 * Builds a {@link JobRequest}.
	 */
	public static final class Builder {

		private final String topic;

		private final String id;

		private @Nullable Instant dueAt;

		private @Nullable Duration delay;

		private @Nullable Object body;

		private @Nullable Integer maxAttempts;

		private boolean ifAbsent;

		private @Nullable JobCallback callback;

		private @Nullable Backoff backoff;

		private Builder(String topic, String id) {
			this.topic = topic;
			this.id = id;
		}

		/**
		 * Makes the job due this long after it is scheduled.
		 * @param delay the delay, not negative, at most 100 years
		 * @return this builder
		 */
		public Builder delay(Duration delay) {
			this.delay = delay;
			this.dueAt = null;
			return this;
		}

		/**
		 * Makes the job due at this instant (a past instant makes it due at once).
		 * @param dueAt the due time, at most 100 years after the job is scheduled
		 * @return this builder
		 */
		public Builder at(Instant dueAt) {
			this.dueAt = dueAt;
			this.delay = null;
			return this;
		}

		/**
		 * Sets the body, serialized to JSON when the job is scheduled.
		 * @param body any value Jackson can write, or {@code null}
		 * @return this builder
		 */
		public Builder body(@Nullable Object body) {
			this.body = body;
			return this;
		}

		/**
		 * Limits delivery attempts for this job, instead of the handler's retry policy.
		 * @param maxAttempts from 1 to {@value JobRequest#MAX_ATTEMPTS_LIMIT}
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Leaves an existing job with the same topic and id alone instead of replacing it.
		 * @return this builder
		 */
		public Builder ifAbsent() {
			this.ifAbsent = true;
			return this;
		}

		/**
		 * Delivers the job over HTTP instead of to the topic's local handler.
		 * @param callback the callback, or {@code null} for the local handler
		 * @return this builder
		 */
		public Builder callback(@Nullable JobCallback callback) {
			this.callback = callback;
			return this;
		}

		/**
		 * Sets the job's own wait between failed attempts.
		 * @param backoff the backoff, or {@code null} for the topic's retry policy
		 * @return this builder
		 */
		public Builder backoff(@Nullable Backoff backoff) {
			this.backoff = backoff;
			return this;
		}

		/**
		 * Builds the request.
		 * @return the request
		 * @throws InvalidJobException when a field breaks a rule
		 */
		public JobRequest build() {
			return new JobRequest(this.topic, this.id, this.dueAt, this.delay, this.body, this.maxAttempts,
					this.ifAbsent, this.callback, this.backoff);
		}

	}

}
