package dev.delayqueue.redis;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;
import dev.delayqueue.SuccessContract;
import dev.delayqueue.store.Occurrence;
import dev.delayqueue.store.StoredJob;

/**
 * The fields of a job hash beyond those the scripts own ({@code state, due, attempts, created, updated, token,
 * lease, error}; {@code attempts} is absent while 0, {@code updated} while it equals {@code created}, and the id is
 * the end of the key): {@code body}, {@code max}, the callback ({@code cb_url}, {@code cb_method}, {@code cb_ok},
 * {@code cb_headers} as {@code name: value} lines) and the backoff ({@code bo} as
 * {@code initialMillis multiplier maxMillis}) and the trace context of the scheduling ({@code trace}). Scripts only test whether {@code cb_url} exists.
 */
final class JobFields {

	private JobFields() {
	}

	static List<String> write(StoredJob job) {
		List<String> fields = new ArrayList<>(14);
		if (job.body() != null) {
			add(fields, "body", job.body());
		}
		if (job.maxAttempts() != null) {
			add(fields, "max", job.maxAttempts().toString());
		}
		JobCallback callback = job.callback();
		if (callback != null) {
			add(fields, "cb_url", callback.url().toString());
			add(fields, "cb_method", callback.method());
			add(fields, "cb_ok", callback.success().wireName());
			if (!callback.headers().isEmpty()) {
				StringBuilder lines = new StringBuilder();
				callback.headers().forEach((name, value) -> lines.append(name).append(": ").append(value).append('\n'));
				add(fields, "cb_headers", lines.toString());
			}
		}
		Backoff backoff = job.backoff();
		if (backoff != null) {
			add(fields, "bo", backoff.initialInterval().toMillis() + " " + backoff.multiplier() + " "
					+ backoff.maxInterval().toMillis());
		}
		if (job.traceContext() != null) {
			add(fields, "trace", job.traceContext());
		}
		return fields;
	}

	/**
	 * The fields of a recurring job's occurrence: the job's, then the schedule's name ({@code rec}), the version it
	 * was planned with ({@code rec_v}), its time ({@code occ}) and, when late occurrences are skipped, how late it may
	 * start ({@code rec_skip}, ms).
	 */
	static List<String> write(StoredJob job, Occurrence occurrence) {
		List<String> fields = write(job);
		add(fields, "rec", occurrence.schedule());
		add(fields, "rec_v", occurrence.version());
		add(fields, "occ", Long.toString(occurrence.at()));
		if (occurrence.skipAfterMillis() > 0) {
			add(fields, "rec_skip", Long.toString(occurrence.skipAfterMillis()));
		}
		return fields;
	}

	/** The occurrence a claimed job is, or {@code null} when it is not one of a recurring job. */
	static @Nullable Occurrence occurrence(Map<String, String> fields) {
		String schedule = fields.get("rec");
		String at = fields.get("occ");
		if (schedule == null || at == null) {
			return null;
		}
		String skip = fields.get("rec_skip");
		return new Occurrence(schedule, fields.getOrDefault("rec_v", ""), Long.parseLong(at),
				(skip != null) ? Long.parseLong(skip) : 0);
	}

	static DelayedJob read(String topic, String id, Map<String, String> fields) {
		String max = fields.get("max");
		String created = fields.get("created");
		return new DelayedJob(topic, id, RedisJobStore.state(fields.get("state")), fields.get("body"),
				Instant.ofEpochMilli(Long.parseLong(fields.get("due"))),
				Integer.parseInt(fields.getOrDefault("attempts", "0")), (max != null) ? Integer.valueOf(max) : null,
				Instant.ofEpochMilli(Long.parseLong(created)),
				Instant.ofEpochMilli(Long.parseLong(fields.getOrDefault("updated", created))), fields.get("error"),
				callback(fields), backoff(fields.get("bo")),
				fields.containsKey("occ") ? Instant.ofEpochMilli(Long.parseLong(fields.get("occ"))) : null);
	}

	private static @Nullable JobCallback callback(Map<String, String> fields) {
		String url = fields.get("cb_url");
		if (url == null) {
			return null;
		}
		Map<String, String> headers = new LinkedHashMap<>();
		String lines = fields.get("cb_headers");
		if (lines != null) {
			for (String line : lines.split("\n")) {
				int colon = line.indexOf(": ");
				if (colon > 0) {
					headers.put(line.substring(0, colon), line.substring(colon + 2));
				}
			}
		}
		return new JobCallback(URI.create(url), fields.getOrDefault("cb_method", "POST"), headers,
				SuccessContract.fromWireName("cb_ok", fields.getOrDefault("cb_ok", "2xx")));
	}

	private static @Nullable Backoff backoff(@Nullable String stored) {
		if (stored == null) {
			return null;
		}
		String[] parts = stored.split(" ");
		return new Backoff(Duration.ofMillis(Long.parseLong(parts[0])), Double.parseDouble(parts[1]),
				Duration.ofMillis(Long.parseLong(parts[2])));
	}

	private static void add(List<String> fields, String name, String value) {
		fields.add(name);
		fields.add(value);
	}

}
