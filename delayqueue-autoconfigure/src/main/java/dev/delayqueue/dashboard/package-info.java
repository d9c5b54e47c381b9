/**
 * The dashboard: a page served by Spring MVC with the topics, their counts and dead jobs, the last hour's deliveries
 * and lateness per minute (counters every instance adds to in Redis), job lookup, redrive and purge.
 */
@NullMarked
package dev.delayqueue.dashboard;

import org.jspecify.annotations.NullMarked;
