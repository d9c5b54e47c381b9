package dev.delayqueue.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as the handler of a topic's due jobs. The method may take:
 * <ul>
 * <li>the job's body, bound by Jackson to any type (at most one such parameter; {@code @Payload(required = false)}
 * to accept jobs without a body);</li>
 * <li>the {@link dev.delayqueue.DelayedJob} (topic, id, attempt, due time, raw JSON body);</li>
 * <li>{@code @Header} parameters named in {@link DelayQueueHeaders}.</li>
 * </ul>
 * Returning normally is success: the job is deleted. Throwing is failure: the job is retried with backoff until
 * {@link #maxAttempts()} and then kept as dead; a {@link dev.delayqueue.NonRetryableJobException} or an exception
 * listed in {@link #noRetryFor()} sends it straight to the dead state. A body that cannot be bound to the
 * parameter's type also does (retrying cannot help).
 * <p>
 * Settings left empty here come from {@code delayqueue.defaults.*}; {@code delayqueue.topics.<topic>.*} properties
 * override both. All string attributes accept {@code ${...}} placeholders. A method that breaks a rule fails the
 * application at startup, with a message naming the bean, the method and the fix.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DelayedJobHandler {

	/**
	 * Alias for {@link #topic()}.
	 * @return the topic
	 */
	@AliasFor("topic")
	String value() default "";

	/**
	 * The topic whose jobs this method handles; one handler per topic in an application.
	 * @return the topic
	 */
	@AliasFor("value")
	String topic() default "";

	/**
	 * How many of the topic's jobs run at once in this instance, for example {@code "8"}.
	 * @return the concurrency, or empty for the default
	 */
	String concurrency() default "";

	/**
	 * How many claimed jobs may wait for a free thread, for example {@code "16"}.
	 * @return the prefetch, or empty for the default
	 */
	String prefetch() default "";

	/**
	 * How long a claim lasts without a heartbeat, for example {@code "30s"}.
	 * @return the lease, or empty for the default
	 */
	String lease() default "";

	/**
	 * Most delivery attempts, the first included, for example {@code "5"}.
	 * @return the maximum attempts, or empty for the default
	 */
	String maxAttempts() default "";

	/**
	 * Wait after the first failed attempt, for example {@code "2s"}.
	 * @return the initial backoff interval, or empty for the default
	 */
	String initialInterval() default "";

	/**
	 * Factor applied to the wait after each further failure, for example {@code "2.0"}.
	 * @return the multiplier, or empty for the default
	 */
	String multiplier() default "";

	/**
	 * Longest wait between attempts, for example {@code "10m"}.
	 * @return the maximum backoff interval, or empty for the default
	 */
	String maxInterval() default "";

	/**
	 * Exceptions (and their subclasses) that send the job straight to the dead state.
	 * @return the non-retryable exception types
	 */
	Class<? extends Throwable>[] noRetryFor() default {};

}
