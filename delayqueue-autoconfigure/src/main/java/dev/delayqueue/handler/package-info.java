/**
 * {@link dev.delayqueue.handler.DelayedJobHandler} methods: discovery, validation and invocation.
 */
@NullMarked
package dev.delayqueue.handler;

import org.jspecify.annotations.NullMarked;
