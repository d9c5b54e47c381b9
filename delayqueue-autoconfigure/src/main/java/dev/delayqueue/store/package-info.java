/**
 * The store the engine works on: the {@link dev.delayqueue.store.JobStore} interface, the values its operations
 * take and return, and {@link dev.delayqueue.store.DefaultDelayQueue}, the {@link dev.delayqueue.DelayQueue} on a
 * store. Implementations live in their own packages ({@code redis}).
 */
@NullMarked
package dev.delayqueue.store;

import org.jspecify.annotations.NullMarked;
