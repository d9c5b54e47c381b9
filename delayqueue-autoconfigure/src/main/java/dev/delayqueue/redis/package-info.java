/**
 * The Redis store: key layout, one Lua script per atomic change of a job's state.
 */
@NullMarked
package dev.delayqueue.redis;

import org.jspecify.annotations.NullMarked;
