package dev.delayqueue.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.JobCallback;
import dev.delayqueue.RecurringJob;
import dev.delayqueue.RecurringSchedule;

/**
 * A recurring job as the store keeps it: the schedule, the body as JSON text, where it was declared, and a version
 * that changes whenever what its occurrences are changes (topic, times, body, callback, missed policy), so that
 * declaring the same schedule again is recognised and changes nothing. Stored as JSON.
 *
 * @param name the schedule's name
 * @param topic the topic of its occurrences
 * @param cron the cron expression, or {@code null}
 * @param zone the cron expression's zone id, or {@code null}
 * @param everyMillis the fixed interval (ms), or 0 with a cron expression
 * @param body the body as JSON text, or {@code null}
 * @param callback the callback, or {@code null}
 * @param missed what happens to an occurrence found late
 * @param declaredIn where it was declared: {@code configuration:<application>} or {@code api}
 * @since 0.2.0
 */
public record RecurringDefinition(String name, String topic, @Nullable String cron, @Nullable String zone,
		long everyMillis, @Nullable String body, @Nullable JobCallback callback, RecurringJob.Missed missed,
		String declaredIn) {

	/** What {@link #declaredIn()} starts with for a schedule declared in properties. */
	public static final String CONFIGURATION = "configuration";

	/** What {@link #declaredIn()} is for a schedule declared through the API. */
	public static final String API = "api";

	/** The most an occurrence may start late before a schedule that skips missed occurrences skips it. */
	static final Duration MAX_SKIP_AFTER = Duration.ofMinutes(1);

	private static final Logger logger = LoggerFactory.getLogger(RecurringDefinition.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Returns the definition of a recurring job.
	 * @param job the recurring job
	 * @param body its body as JSON text, or {@code null}
	 * @param declaredIn {@link #API}, or {@link #CONFIGURATION} with the application's name
	 * @return the definition
	 */
	public static RecurringDefinition of(RecurringJob job, @Nullable String body, String declaredIn) {
		return new RecurringDefinition(job.name(), job.topic(), job.cron(),
				(job.zone() != null) ? job.zone().getId() : null, (job.every() != null) ? job.every().toMillis() : 0,
				body, job.callback(), job.missed(), declaredIn);
	}

	/**
	 * Returns the occurrence times of the schedule.
	 * @return the times
	 */
	public OccurrenceTimes times() {
		return (this.cron != null) ? OccurrenceTimes.cron(this.cron, ZoneId.of(this.zone))
				: OccurrenceTimes.every(Duration.ofMillis(this.everyMillis));
	}

	/**
	 * Returns the version: a digest of everything that makes its occurrences what they are.
	 * @return 16 hex digits
	 */
	public String version() {
		Map<String, Object> what = new LinkedHashMap<>();
		what.put("topic", this.topic);
		what.put("cron", this.cron);
		what.put("zone", this.zone);
		what.put("every", this.everyMillis);
		what.put("body", this.body);
		what.put("callback", (this.callback != null) ? CallbackMaps.write(this.callback) : null);
		what.put("missed", this.missed.name());
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(JSON.writeValueAsString(what).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns the occurrence at a time, with how late it may start when late occurrences are skipped.
	 * @param at the occurrence's time
	 * @return the occurrence
	 */
	public Occurrence occurrence(Instant at) {
		long skipAfter = 0;
		if (this.missed == RecurringJob.Missed.SKIP) {
			Duration period = times().period(at);
			skipAfter = Math.max(1, Math.min(period.toMillis(), MAX_SKIP_AFTER.toMillis()));
		}
		return new Occurrence(this.name, version(), at.toEpochMilli(), skipAfter);
	}

	/**
	 * Returns the job of the occurrence at a time: id the schedule's name, due at that time.
	 * @param at the occurrence's time
	 * @return the job
	 */
	public StoredJob job(Instant at) {
		return new StoredJob(this.name, at.toEpochMilli(), this.body, null, this.callback, null);
	}

	/**
	 * Returns the definition as the API lists it.
	 * @param nextOccurrence when its pending occurrence is due, or {@code null}
	 * @return the schedule
	 */
	public RecurringSchedule schedule(@Nullable Instant nextOccurrence) {
		return new RecurringSchedule(this.name, this.topic, this.cron, (this.zone != null) ? ZoneId.of(this.zone) : null,
				(this.cron == null) ? Duration.ofMillis(this.everyMillis) : null, this.body, this.callback, this.missed,
				this.declaredIn, nextOccurrence);
	}

	/**
	 * Writes the definition as JSON.
	 * @return the JSON text
	 */
	public String toJson() {
		return JSON.writeValueAsString(new Stored(this.topic, this.cron, this.zone, this.everyMillis, this.body,
				(this.callback != null) ? CallbackMaps.write(this.callback) : null, this.missed.name(), this.declaredIn));
	}

	/**
	 * Reads a definition written by {@link #toJson()}.
	 * @param name the schedule's name
	 * @param json the JSON text
	 * @return the definition
	 * @throws IllegalArgumentException when the text is not a valid definition
	 */
	public static RecurringDefinition parse(String name, String json) {
		try {
			Stored stored = JSON.readValue(json, Stored.class);
			JobCallback callback = (stored.callback() != null) ? CallbackMaps.read(stored.callback()) : null;
			RecurringDefinition definition = new RecurringDefinition(name, stored.topic(), stored.cron(),
					stored.zone(), stored.every(), stored.body(), callback, RecurringJob.Missed.valueOf(stored.missed()),
					stored.declaredIn());
			definition.times();
			return definition;
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Recurring job '" + name + "' has an unreadable definition: " + json,
					ex);
		}
	}

	/**
	 * Reads a stored definition, logging (at error) one that cannot be read.
	 * @param name the schedule's name
	 * @param json the stored text, or {@code null}
	 * @return the definition, or {@code null} when there is none or it cannot be read
	 */
	public static @Nullable RecurringDefinition readable(String name, @Nullable String json) {
		if (json == null) {
			return null;
		}
		try {
			return parse(name, json);
		}
		catch (IllegalArgumentException ex) {
			logger.error(ex.getMessage(), ex.getCause());
			return null;
		}
	}

	/** The stored form. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	private record Stored(String topic, @Nullable String cron, @Nullable String zone, long every,
			@Nullable String body, @Nullable Map<String, Object> callback, String missed, String declaredIn) {

	}

}
