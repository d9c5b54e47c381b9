/**
 * The transactional outbox: changes to jobs written as rows in the application's database transaction, and relayed
 * to the store after the commit.
 */
@NullMarked
package dev.delayqueue.outbox;

import org.jspecify.annotations.NullMarked;
