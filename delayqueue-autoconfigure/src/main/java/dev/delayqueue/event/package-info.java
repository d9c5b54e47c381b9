/**
 * What happens to jobs, published to {@link dev.delayqueue.event.DelayQueueListener}s for metrics and tracing.
 */
@NullMarked
package dev.delayqueue.event;

import org.jspecify.annotations.NullMarked;
