/**
 * A test kit for applications that use delayqueue: {@link dev.delayqueue.test.AutoConfigureDelayQueueTestKit} on a
 * {@code @SpringBootTest}, a {@link dev.delayqueue.test.VirtualClock} the test moves forward and
 * {@link dev.delayqueue.test.DelayQueueTestKit} to move it, wait for the handlers and look at the jobs.
 */
@NullMarked
package dev.delayqueue.test;

import org.jspecify.annotations.NullMarked;
