/**
 * Starts and controls a local {@code redis-server} process, for tests, samples and benchmarks, and Redis Cluster
 * and Sentinel deployments of such processes for the tests and fault suites of delayqueue.
 */
@NullMarked
package dev.delayqueue.embedded;

import org.jspecify.annotations.NullMarked;
