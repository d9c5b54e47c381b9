/**
 * Micrometer Observations of scheduling and delivery, and the trace context a job carries from one to the other.
 */
@NullMarked
package dev.delayqueue.observation;

import org.jspecify.annotations.NullMarked;
