package dev.delayqueue.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.delayqueue.Backoff;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobState;
import dev.delayqueue.SuccessContract;
import dev.delayqueue.store.StoredJob;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job hash's own fields, written and read back without Redis (the fields the scripts own added by hand).
 */
class JobFieldsTests {

	@Test
	void aLocalJobStoresOnlyWhatItHas() {
		List<String> fields = JobFields.write(new StoredJob("1", 5_000, null, null));
		assertThat(fields).isEmpty();
		DelayedJob job = JobFields.read("order", "1", scriptFields(fields, "5000"));
		assertThat(job.body()).isNull();
		assertThat(job.maxAttempts()).isNull();
		assertThat(job.callback()).isNull();
		assertThat(job.backoff()).isNull();
		assertThat(job.attempts()).isZero();
		assertThat(job.updatedAt()).isEqualTo(job.createdAt());
	}

	@Test
	void bodyLimitCallbackAndBackoffSurviveTheRoundTrip() {
		JobCallback callback = JobCallback.post("http://receiver.test/hook")
			.withHeaders(Map.of("Authorization", "Bearer x", "X-Two", "a: b"))
			.withSuccess(SuccessContract.BODY_OK);
		Backoff backoff = new Backoff(Duration.ofMillis(1500), 2.5, Duration.ofMinutes(3));
		StoredJob stored = new StoredJob("42", 7_000, "{\"n\":1}", 5, callback, backoff);
		DelayedJob job = JobFields.read("order", "42", scriptFields(JobFields.write(stored), "7000"));
		assertThat(job.id()).isEqualTo("42");
		assertThat(job.topic()).isEqualTo("order");
		assertThat(job.body()).isEqualTo("{\"n\":1}");
		assertThat(job.maxAttempts()).isEqualTo(5);
		assertThat(job.callback()).isEqualTo(callback);
		assertThat(job.backoff()).isEqualTo(backoff);
		assertThat(job.dueAt()).isEqualTo(Instant.ofEpochMilli(7_000));
		assertThat(job.state()).isEqualTo(JobState.PENDING);
	}

	/** What schedule.lua writes beside the job's own fields. */
	private static Map<String, String> scriptFields(List<String> pairs, String due) {
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i < pairs.size(); i += 2) {
			fields.put(pairs.get(i), pairs.get(i + 1));
		}
		fields.put("state", "pending");
		fields.put("due", due);
		fields.put("created", "1000");
		return fields;
	}

}
