package dev.delayqueue.test;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.autoconfigure.DelayQueueClock;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.OutboxRelayer;
import dev.delayqueue.worker.CallbackDelivery;
import dev.delayqueue.worker.JobWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The test kit's beans, imported by {@link AutoConfigureDelayQueueTestKit}: delayqueue's clock holder on a
 * {@link VirtualClock} (before delayqueue's auto-configuration, which then makes none of its own; the application's
 * {@code Clock} beans are left alone and no {@code Clock} bean is added) and the {@link DelayQueueTestKit}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = DelayQueueAutoConfiguration.class)
public final class DelayQueueTestKitAutoConfiguration {

	/** The virtual clock, held by delayqueue's clock holder only: no {@code Clock} bean beside the application's. */
	@Bean
	@ConditionalOnMissingBean
	DelayQueueClock delayQueueVirtualTime() {
		return DelayQueueClock.of(new VirtualClock());
	}

	@Bean
	@ConditionalOnMissingBean
	DelayQueueTestKit delayQueueTestKit(DelayQueueClock time, DelayQueue queue, JobStore store,
			ObjectProvider<JobWorker> worker, ObjectProvider<CallbackDelivery> callbacks,
			ObjectProvider<OutboxRelayer> outbox) {
		if (!(time.clock() instanceof VirtualClock clock)) {
			throw new IllegalStateException("delayqueue's test kit needs its virtual clock, but delayqueue reads "
					+ time.clock() + ": a DelayQueueClock bean of the test's own replaced it");
		}
		DelayQueueTestKit kit = new DelayQueueTestKit(clock, queue, store, worker.getIfAvailable(),
				callbacks.getIfAvailable() != null);
		kit.setOutbox(outbox.getIfAvailable());
		return kit;
	}

}
