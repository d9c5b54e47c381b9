/**
 * Starts and controls a local {@code redis-server} process, for tests, samples and benchmarks.
 */
@NullMarked
package dev.delayqueue.embedded;

import org.jspecify.annotations.NullMarked;
