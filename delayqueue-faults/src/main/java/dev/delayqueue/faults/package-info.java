/**
 * The worker application the fault-injection suite runs as separate JVM processes and kills.
 */
@NullMarked
package dev.delayqueue.faults;

import org.jspecify.annotations.NullMarked;
