package dev.delayqueue.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;

/**
 * Waits for the answer of a command sent through Lettuce's asynchronous API, with Redis errors turned into Spring's
 * {@link org.springframework.dao.DataAccessException}s, as the template turns those of the commands it sends. A
 * {@link RedisNoScriptException} is passed on as it is, for the caller to send the script whole.
 */
final class RedisFutures {

	private RedisFutures() {
	}

	static <T> @Nullable T await(RedisFuture<T> future, Duration timeout) {
		try {
			return future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisSystemException("Interrupted while waiting for Redis", ex);
		}
		catch (TimeoutException ex) {
			throw new QueryTimeoutException("Redis did not answer within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RedisNoScriptException noScript) {
				throw noScript;
			}
			throw new RedisSystemException(String.valueOf(ex.getCause().getMessage()), ex.getCause());
		}
	}

}
