/**
 * delayqueue's API: the {@link dev.delayqueue.DelayQueue} facade, the job model and its exceptions.
 */
@NullMarked
package dev.delayqueue;

import org.jspecify.annotations.NullMarked;
