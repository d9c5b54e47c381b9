package dev.delayqueue.web;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.delayqueue.Backoff;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobNames;
import dev.delayqueue.JobRequest;
import dev.delayqueue.SuccessContract;

/**
 * The body of {@code POST /job}, bound by {@link WebJson}. {@link #toRequest(Instant)} turns it into a
 * {@link JobRequest}, whose types ({@link JobNames}, {@link JobCallback}, {@link Backoff}, {@link JobRequest} itself)
 * check the rules; their errors name the fields as they are spelled here.
 *
 * @param topic the topic
 * @param id the id
 * @param delay seconds from now, or a Unix time (see {@link WireTime}); required unless {@code runAt} is given
 * @param runAt a Unix time in seconds or an ISO-8601 instant, instead of {@code delay}
 * @param callback the URL the job is sent to when due
 * @param method the callback's method, {@code PUT} when not given
 * @param success the callback's {@link SuccessContract} by wire name, {@code ok} when not given
 * @param headers extra callback headers
 * @param body any JSON, sent back in the callback
 * @param backoff the job's own wait between failed attempts
 * @param maxAttempts the job's own limit on delivery attempts
 * @param ifAbsent whether to leave an existing job alone (answered {@code 409}) instead of replacing it
 */
record JobPost(@Nullable String topic, @Nullable String id, @Nullable BigDecimal delay, @Nullable JsonNode runAt,
		@Nullable String callback, @Nullable String method, @Nullable String success,
		@JsonSetter(contentNulls = Nulls.FAIL) @Nullable Map<String, String> headers, @Nullable JsonNode body,
		@Nullable BackoffPost backoff, @Nullable Integer maxAttempts, @Nullable Boolean ifAbsent) {

	/** Field names of the domain types and their spelling on the wire. */
	private static final Map<String, String> WIRE_NAMES = Map.of("maxAttempts", "max_attempts", "initialInterval",
			"initial", "maxInterval", "max");

	/**
	 * Returns the job to schedule: due when {@link WireTime} reads it, carrying the {@link Payload} as its body.
	 * @param now the current time
	 * @return the request
	 * @throws InvalidJobException naming the field that breaks a rule
	 */
	JobRequest toRequest(Instant now) {
		String topic = JobNames.checkTopic(WebJson.required("topic", this.topic));
		String id = JobNames.checkId(WebJson.required("id", this.id));
		Instant dueAt;
		Number delay;
		if (WebJson.given(this.runAt)) {
			if (this.delay != null) {
				throw new InvalidJobException("run_at", "must not be given together with delay");
			}
			dueAt = WireTime.runAt("run_at", this.runAt, now);
			delay = dueAt.getEpochSecond();
		}
		else {
			if (this.delay == null) {
				throw new InvalidJobException("delay", "is required (seconds from now, or a Unix time in seconds), "
						+ "unless run_at is given");
			}
			dueAt = WireTime.delayOrUnixTime("delay", this.delay, now);
			delay = echo(this.delay);
		}
		String url = WebJson.required("callback", this.callback);
		JobCallback callback = new JobCallback(JobCallback.parseUrl(url), (this.method != null) ? this.method : "PUT",
				(this.headers != null) ? this.headers : Map.of(), SuccessContract.fromWireName("success",
						(this.success != null) ? this.success : SuccessContract.BODY_OK.wireName()));
		Payload payload = new Payload(topic, id, delay, url, this.body, topic + "-" + id);
		JobRequest.Builder builder = JobRequest.builder(topic, id)
			.at(dueAt)
			.body(WebJson.MAPPER.valueToTree(payload))
			.callback(callback);
		if (this.backoff != null) {
			builder.backoff(wireNames(this.backoff::toBackoff));
		}
		if (this.maxAttempts != null) {
			builder.maxAttempts(this.maxAttempts);
		}
		if (Boolean.TRUE.equals(this.ifAbsent)) {
			builder.ifAbsent();
		}
		return wireNames(builder::build);
	}

	/**
	 * The delay as the client wrote it: a whole number stays whole, a fraction stays a fraction. Only called on a
	 * delay {@link WireTime} accepted, so it is small.
	 */
	private static Number echo(BigDecimal delay) {
		if (delay.scale() <= 0) {
			return delay.longValueExact();
		}
		return delay.doubleValue();
	}

	/**
	 * Runs {@code build}, renaming the fields of the domain types in its errors to their wire names.
	 */
	private static <T> T wireNames(Supplier<T> build) {
		try {
			return build.get();
		}
		catch (InvalidJobException ex) {
			String field = rename(ex.field());
			String rule = rename(ex.getMessage().substring(ex.field().length() + 1));
			if (field.equals(ex.field()) && rule.equals(ex.getMessage().substring(ex.field().length() + 1))) {
				throw ex;
			}
			throw new InvalidJobException(field, rule);
		}
	}

	private static String rename(String text) {
		String renamed = text;
		for (Map.Entry<String, String> name : WIRE_NAMES.entrySet()) {
			renamed = renamed.replace(name.getKey(), name.getValue());
		}
		return renamed;
	}

	/**
	 * The job's own backoff, in seconds.
	 *
	 * @param initial wait after the first failed attempt, required
	 * @param multiplier factor applied after each further failure, 2 when not given
	 * @param max longest wait, the longer of {@code initial} and a day when not given
	 */
	record BackoffPost(@Nullable BigDecimal initial, @Nullable Double multiplier, @Nullable BigDecimal max) {

		private static final Duration ONE_DAY = Duration.ofDays(1);

		Backoff toBackoff() {
			if (this.initial == null) {
				throw new InvalidJobException("backoff.initial", "is required (seconds)");
			}
			Duration initialInterval = WireTime.seconds("backoff.initial", this.initial);
			Duration maxInterval = (this.max != null) ? WireTime.seconds("backoff.max", this.max)
					: (initialInterval.compareTo(ONE_DAY) > 0) ? initialInterval : ONE_DAY;
			return new Backoff(initialInterval, (this.multiplier != null) ? this.multiplier : 2.0, maxInterval);
		}

	}

	/**
	 * The job's body as stored and as its callback receives it.
	 *
	 * @param topic the topic
	 * @param id the id
	 * @param delay the delay as posted, or the Unix time of {@code run_at}
	 * @param callback the callback URL
	 * @param body the posted body
	 * @param jobSign {@code topic-id}
	 */
	record Payload(String topic, String id, Number delay, String callback, @Nullable JsonNode body, String jobSign) {

	}

}
