/**
 * The HTTP endpoints of a shared delay-queue server (Spring MVC functional routes): {@code /job}
 * ({@link JobEndpoint}) and the httpqueue-compatible {@code /create}, {@code /delete},
 * {@code /query} ({@link HttpQueueEndpoint}).
 */
@NullMarked
package dev.delayqueue.web;

import org.jspecify.annotations.NullMarked;
