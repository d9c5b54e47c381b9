/**
 * Delivery of jobs to HTTP callbacks through WebClient: the {@link CallbackDispatcher}, the client it calls
 * through, how answers are judged under each success contract, concurrency limits, request signing and the host
 * allow-list that guards against server-side request forgery.
 */
@NullMarked
package dev.delayqueue.http;

import org.jspecify.annotations.NullMarked;
