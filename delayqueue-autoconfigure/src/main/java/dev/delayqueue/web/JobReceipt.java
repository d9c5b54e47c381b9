package dev.delayqueue.web;

import java.time.Instant;

/**
 * The data of an answer to {@code POST /job}.
 *
 * @param jobSign {@code topic-id}
 * @param dueAt when the job is due
 */
record JobReceipt(String jobSign, Instant dueAt) {

}
