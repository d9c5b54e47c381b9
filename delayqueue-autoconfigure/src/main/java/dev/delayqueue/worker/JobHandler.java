package dev.delayqueue.worker;

import dev.delayqueue.DelayedJob;

/**
 * Delivers a due job. Returning normally means success: the job is deleted. Throwing means failure: the job is
 * tried again according to the topic's {@link RetryPolicy}, unless the exception is a
 * {@link dev.delayqueue.NonRetryableJobException} (or listed in {@link TopicSettings#noRetryFor()}), which sends
 * it to the dead state, or a {@link dev.delayqueue.RetryJobLaterException}, which sets the next attempt's time.
 * <p>
 * {@link dev.delayqueue.handler.DelayedJobHandler @DelayedJobHandler} methods are adapted to this interface;
 * register one directly with {@link JobWorker#register}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface JobHandler {

	/**
	 * Delivers the job.
	 * @param job the job, {@code attempts} being the number of this attempt
	 * @throws Exception when delivery failed
	 */
	void handle(DelayedJob job) throws Exception;

}
