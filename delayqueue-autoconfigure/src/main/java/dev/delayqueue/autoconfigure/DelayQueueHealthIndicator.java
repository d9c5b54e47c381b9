package dev.delayqueue.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.store.JobStore;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.TopicSnapshot;
import dev.delayqueue.worker.JobWorker;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code delayqueue} health contributor: {@code DOWN} when Redis cannot be read, {@code OUT_OF_SERVICE} when a
 * topic this instance serves has a due job that has waited longer than {@code delayqueue.health.max-overdue} to be
 * claimed (the instance cannot keep up, or cannot claim), {@code UP} otherwise; the details give each served
 * topic's counts and overdue age. An instance without a worker checks only that Redis answers. Belongs in the
 * readiness group, not liveness: restarting an instance does not empty a backlog.
 *
 * @since 0.1.0
 */
public final class DelayQueueHealthIndicator extends AbstractHealthIndicator {

	private final JobStore store;

	private final @Nullable JobWorker worker;

	private final boolean callbacks;

	private final Clock clock;

	private final Duration maxOverdue;

	/**
	 * Creates the contributor.
	 * @param store the store
	 * @param worker this instance's worker, or {@code null} when it delivers nothing
	 * @param callbacks whether this instance delivers callback jobs
	 * @param clock delayqueue's clock
	 * @param maxOverdue the longest wait of a due job that is still healthy
	 */
	public DelayQueueHealthIndicator(JobStore store, @Nullable JobWorker worker, boolean callbacks, Clock clock,
			Duration maxOverdue) {
		super("delayqueue health check failed");
		if (maxOverdue.isNegative() || maxOverdue.isZero()) {
			throw new IllegalArgumentException("delayqueue.health.max-overdue must be positive, was " + maxOverdue);
		}
		this.store = store;
		this.worker = worker;
		this.callbacks = callbacks;
		this.clock = clock;
		this.maxOverdue = maxOverdue;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Set<String> local = (this.worker != null) ? new TreeSet<>(this.worker.topics()) : new TreeSet<>();
		Set<String> http = (this.worker != null && this.callbacks) ? new TreeSet<>(this.store.topics(Lane.HTTP))
				: new TreeSet<>();
		if (local.isEmpty() && http.isEmpty()) {
			this.store.topics(Lane.LOCAL); // Redis answers
			builder.up().withDetail("topics", Map.of());
			return;
		}
		Set<String> served = new TreeSet<>(local);
		served.addAll(http);
		Instant now = this.clock.instant();
		Map<String, Object> topics = new LinkedHashMap<>();
		Set<String> overdue = new TreeSet<>();
		for (String topic : served) {
			TopicSnapshot snapshot = this.store.snapshot(topic);
			// only the lanes this instance delivers: another application's jobs of the same topic are not its backlog
			Duration waited = Duration.ZERO;
			if (local.contains(topic)) {
				waited = snapshot.overdue(Lane.LOCAL, now);
			}
			if (http.contains(topic) && snapshot.overdue(Lane.HTTP, now).compareTo(waited) > 0) {
				waited = snapshot.overdue(Lane.HTTP, now);
			}
			if (waited.compareTo(this.maxOverdue) > 0) {
				overdue.add(topic);
			}
			topics.put(topic, Map.of("pending", snapshot.stats().pending(), "inFlight", snapshot.stats().inFlight(),
					"dead", snapshot.stats().dead(), "overdueSeconds", waited.toMillis() / 1000.0));
		}
		if (overdue.isEmpty()) {
			builder.up();
		}
		else {
			builder.outOfService()
				.withDetail("overdue", overdue)
				.withDetail("maxOverdue", this.maxOverdue.toString());
		}
		builder.withDetail("topics", topics);
	}

}
