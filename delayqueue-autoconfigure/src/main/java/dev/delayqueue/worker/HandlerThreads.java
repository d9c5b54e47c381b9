package dev.delayqueue.worker;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the threads that run a topic's handlers. The worker keeps one pool per topic of
 * {@link TopicSettings#concurrency()} threads from this factory, so that it bounds what runs at once, releases the
 * jobs still waiting at shutdown and interrupts handlers still running at its deadline; the application chooses what
 * the threads are: platform threads named {@code delayqueue-<topic>-<n>} by default, virtual threads with
 * {@code spring.threads.virtual.enabled=true} on Java 21 or later, or its own with a bean of this type (a name
 * scheme, a priority, context propagation).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface HandlerThreads {

	/** Platform threads named {@code delayqueue-<topic>-<n>}, not daemons: a running handler keeps the JVM alive. */
	HandlerThreads PLATFORM = (topic) -> {
		AtomicInteger threads = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, "delayqueue-" + topic + "-" + threads.incrementAndGet());
			thread.setDaemon(false);
			return thread;
		};
	};

	/**
	 * Returns the factory of a topic's handler threads; called once per topic.
	 * @param topic the topic
	 * @return the factory
	 */
	ThreadFactory threadFactory(String topic);

}
