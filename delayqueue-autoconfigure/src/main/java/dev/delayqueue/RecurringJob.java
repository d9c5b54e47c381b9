package dev.delayqueue;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;

/**
 * A job that recurs: on a cron expression in a time zone, or at a fixed interval. Each occurrence is an ordinary job
 * of {@code topic} with the id {@code name}, delivered to the topic's handler (or to {@code callback}) like any job,
 * with the topic's retries. Exactly one occurrence is pending at a time, across every instance: the next one is
 * stored in the same atomic step that ends the current one, whether it succeeded or died. Build one with
 * {@link #cron(String, String, String)} or {@link #every(String, String, Duration)}; the builder checks every rule and
 * throws {@link InvalidJobException} naming the field.
 *
 * @param name the schedule's name, unique among the recurring jobs of this key prefix, and the id of its occurrences
 * @param topic the topic of its occurrences
 * @param cron a Spring {@link CronExpression} (six fields, seconds first, or a macro such as {@code @daily}), or
 * {@code null} when {@code every} is used
 * @param zone the time zone the cron expression is read in; {@code null} with {@code every}
 * @param every the fixed interval between occurrences, or {@code null} when {@code cron} is used
 * @param body the body of every occurrence (written as JSON), or {@code null}
 * @param callback where to deliver the occurrences over HTTP, or {@code null} for the topic's local handler
 * @param missed what to do with an occurrence found late, after downtime
 * @since 0.2.0
 */
public record RecurringJob(String name, String topic, @Nullable String cron, @Nullable ZoneId zone,
		@Nullable Duration every, @Nullable Object body, @Nullable JobCallback callback, Missed missed) {

	/** Longest name, in characters. */
	public static final int MAX_NAME_LENGTH = 128;

	/** Shortest interval of {@code every}. */
	public static final Duration MIN_EVERY = Duration.ofSeconds(1);

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:\\-]+");

	/**
	 * Checks the rules.
	 */
	public RecurringJob {
		checkName(name);
		JobNames.checkTopic(topic);
		if ((cron == null) == (every == null)) {
			throw new InvalidJobException("cron", "or every must be given, not both and not neither");
		}
		if (cron != null) {
			checkCron(cron);
			if (zone == null) {
				throw new InvalidJobException("zone", "must be given with cron");
			}
		}
		else {
			if (zone != null) {
				throw new InvalidJobException("zone", "applies to cron only, not to every");
			}
			if (every.compareTo(MIN_EVERY) < 0) {
				throw new InvalidJobException("every", "must be at least 1 second, was " + every);
			}
			DueTime.checkDelay("every", every);
		}
		if (missed == null) {
			throw new InvalidJobException("missed", "must not be null");
		}
	}

	/**
	 * Starts a recurring job on a cron expression, read in UTC unless {@link Builder#zone(ZoneId) zone} is given (not
	 * in the JVM's default zone, so that instances in different zones declare the same schedule).
	 * @param name the schedule's name: 1 to {@value #MAX_NAME_LENGTH} characters among {@code A-Z a-z 0-9 _ . : -}
	 * @param topic the topic of its occurrences
	 * @param cron a Spring cron expression, for example {@code "0 0 4 * * *"} (04:00 every day)
	 * @return a builder
	 */
	public static Builder cron(String name, String topic, String cron) {
		return new Builder(name, topic, cron, null);
	}

	/**
	 * Starts a recurring job at a fixed interval: the first occurrence is due one interval after the schedule is
	 * created, each next one an interval after the one before.
	 * @param name the schedule's name: 1 to {@value #MAX_NAME_LENGTH} characters among {@code A-Z a-z 0-9 _ . : -}
	 * @param topic the topic of its occurrences
	 * @param every the interval, at least 1 second
	 * @return a builder
	 */
	public static Builder every(String name, String topic, Duration every) {
		return new Builder(name, topic, null, every);
	}

	/**
	 * Checks a schedule name against the rules.
	 * @param name the name
	 * @return the name
	 * @throws InvalidJobException naming {@code name} and the rule it breaks
	 */
	public static String checkName(@Nullable String name) {
		if (name == null || name.isEmpty()) {
			throw new InvalidJobException("name", "must not be empty");
		}
		if (name.length() > MAX_NAME_LENGTH) {
			throw new InvalidJobException("name", "must be at most " + MAX_NAME_LENGTH + " characters, was "
					+ name.length());
		}
		if (!NAME.matcher(name).matches()) {
			throw new InvalidJobException("name", "must contain only letters A-Z a-z, digits and _ . : - (was '"
					+ name.replaceAll("\\p{Cntrl}", "?") + "')");
		}
		return name;
	}

	private static void checkCron(String cron) {
		try {
			CronExpression.parse(cron);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidJobException("cron", "must be a Spring cron expression (six fields, seconds first, or a "
					+ "macro such as @daily): " + ex.getMessage());
		}
	}

	/**
	 * What to do with an occurrence that starts late, because no instance ran at its time.
	 */
	public enum Missed {

		/**
		 * Run it once, late, then resume at the first occurrence after now: a long outage runs one occurrence for
		 * all it missed, not one for each.
		 */
		RUN_ONCE,

		/**
		 * Skip it when it would start later than its interval (or one minute, whichever is shorter) after its time,
		 * and resume at the first occurrence after now.
		 */
		SKIP

	}

	/**
	 * Builds a {@link RecurringJob}.
	 */
	public static final class Builder {

		private final String name;

		private final String topic;

		private final @Nullable String cron;

		private final @Nullable Duration every;

		private @Nullable ZoneId zone;

		private @Nullable Object body;

		private @Nullable JobCallback callback;

		private Missed missed = Missed.RUN_ONCE;

		private Builder(String name, String topic, @Nullable String cron, @Nullable Duration every) {
			this.name = name;
			this.topic = topic;
			this.cron = cron;
			this.every = every;
		}

		/**
		 * Sets the time zone of the cron expression (UTC otherwise). Spring-forward gaps and
		 * fall-back overlaps follow the rules of {@code docs/recurring-jobs.md}.
		 * @param zone the zone
		 * @return this builder
		 */
		public Builder zone(ZoneId zone) {
			this.zone = zone;
			return this;
		}

		/**
		 * Sets the body of every occurrence.
		 * @param body any value Jackson can write, or {@code null}
		 * @return this builder
		 */
		public Builder body(@Nullable Object body) {
			this.body = body;
			return this;
		}

		/**
		 * Delivers the occurrences over HTTP instead of to the topic's local handler.
		 * @param callback the callback, or {@code null} for the local handler
		 * @return this builder
		 */
		public Builder callback(@Nullable JobCallback callback) {
			this.callback = callback;
			return this;
		}

		/**
		 * Sets what happens to an occurrence found late ({@link Missed#RUN_ONCE} by default).
		 * @param missed the policy
		 * @return this builder
		 */
		public Builder missed(Missed missed) {
			this.missed = missed;
			return this;
		}

		/**
		 * Builds the recurring job.
		 * @return the recurring job
		 * @throws InvalidJobException when a field breaks a rule
		 */
		public RecurringJob build() {
			ZoneId zone = (this.cron != null && this.zone == null) ? ZoneOffset.UTC : this.zone;
			return new RecurringJob(this.name, this.topic, this.cron, zone, this.every, this.body, this.callback,
					this.missed);
		}

	}

}
