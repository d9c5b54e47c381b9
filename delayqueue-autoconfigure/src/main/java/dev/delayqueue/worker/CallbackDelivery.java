package dev.delayqueue.worker;

/**
 * What a {@link JobWorker} needs to deliver jobs that carry a callback: see
 * {@link JobWorker#deliverCallbacks(AsyncJobHandler, TopicSettings)}.
 *
 * @param handler delivers the callbacks
 * @param settings capacity per topic, lease and default retry policy of callback jobs
 * @since 0.1.0
 */
public record CallbackDelivery(AsyncJobHandler handler, TopicSettings settings) {

}
