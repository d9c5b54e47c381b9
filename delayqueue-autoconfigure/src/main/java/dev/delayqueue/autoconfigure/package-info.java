/**
 * Spring Boot auto-configuration of delayqueue.
 */
@NullMarked
package dev.delayqueue.autoconfigure;

import org.jspecify.annotations.NullMarked;
