/**
 * Delivery of jobs to HTTP callbacks through WebClient: the {@link dev.delayqueue.http.CallbackDispatcher}, its
 * success contracts, concurrency limits, request signing and the host allow-list that guards against server-side
 * request forgery.
 */
@NullMarked
package dev.delayqueue.http;

import org.jspecify.annotations.NullMarked;
