/**
 * Micrometer meters for delayqueue: lateness, deliveries, scheduling, lease expiries and worker errors from the
 * listener events, and per-topic job counts read from Redis on an interval.
 */
@NullMarked
package dev.delayqueue.micrometer;

import org.jspecify.annotations.NullMarked;
