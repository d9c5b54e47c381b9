package dev.delayqueue.worker;

import java.util.function.Function;

/**
 * What a {@link JobWorker} needs to deliver jobs that carry a callback: see
 * {@link JobWorker#deliverCallbacks(AsyncJobHandler, Function)}.
 *
 * @param handler delivers the callbacks
 * @param settings the settings of each topic's callback lane: capacity, lease and retry policy
 * @since 0.1.0
 */
public record CallbackDelivery(AsyncJobHandler handler, Function<String, TopicSettings> settings) {

}
