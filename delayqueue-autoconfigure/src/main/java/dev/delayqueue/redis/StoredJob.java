package dev.delayqueue.redis;

import org.jspecify.annotations.Nullable;

/**
 * A job version to write: what {@link RedisJobStore#schedule} takes.
 *
 * @param id the id
 * @param dueAt due time (epoch ms)
 * @param body the body as JSON text, or {@code null}
 * @param maxAttempts the job's own attempt limit, or {@code null}
 * @since 0.1.0
 */
public record StoredJob(String id, long dueAt, @Nullable String body, @Nullable Integer maxAttempts) {

}
