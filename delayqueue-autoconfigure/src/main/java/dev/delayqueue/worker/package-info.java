/**
 * Workers: claim due jobs, run their handlers, record the outcome, retry with backoff.
 */
@NullMarked
package dev.delayqueue.worker;

import org.jspecify.annotations.NullMarked;
