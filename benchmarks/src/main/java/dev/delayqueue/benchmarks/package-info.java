/**
 * Benchmarks of delayqueue beside Redisson's {@code RDelayedQueue} and raw Redis; see {@code BENCHMARKS.md}.
 */
@NullMarked
package dev.delayqueue.benchmarks;

import org.jspecify.annotations.NullMarked;
