package dev.delayqueue.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * Gives a {@code @SpringBootTest} delayqueue's test kit: a {@link VirtualClock} that delayqueue reads instead of
 * Redis's time, a {@link DelayQueueTestKit} bean to move it and wait for the deliveries, and a Redis of its own (a
 * {@code redis-server} started once per test JVM, see {@code delayqueue-embedded-redis}) unless the test configures
 * one ({@code spring.data.redis.url}, {@code @ServiceConnection}, ...).
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureDelayQueueTestKit
 * class OrderTimeoutTests {
 *
 *     &#64;Autowired DelayQueueTestKit delayQueue;
 *
 *     &#64;Test
 *     void anUnpaidOrderIsCancelled() {
 *         Order order = orders.create(1299);
 *         delayQueue.advance(Duration.ofMinutes(30));
 *         assertThat(orders.get(order.id()).status()).isEqualTo(CANCELLED);
 *     }
 * }
 * </pre>
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(DelayQueueTestKitAutoConfiguration.class)
@TestPropertySource(properties = "delayqueue.embedded-redis.enabled=true")
public @interface AutoConfigureDelayQueueTestKit {

}
