/**
 * The HTTP endpoints of a shared delay-queue server (Spring MVC functional routes): {@code /job}
 * ({@link dev.delayqueue.web.JobEndpoint}) and the httpqueue-compatible {@code /create}, {@code /delete},
 * {@code /query} ({@link dev.delayqueue.web.HttpQueueEndpoint}).
 */
@NullMarked
package dev.delayqueue.web;

import org.jspecify.annotations.NullMarked;
