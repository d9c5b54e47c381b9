package dev.delayqueue.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.CallbackValidator;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.RecurringJob;
import dev.delayqueue.RecurringSchedule;

/**
 * Recurring jobs on a {@link JobStore}: their definitions (one record per name, shared by every instance) and their
 * pending occurrences. Declaring is idempotent, so every instance may declare the same recurring jobs at startup;
 * {@link #reconcile()} stores an occurrence for every definition that has none (one lost with Redis data, or
 * cancelled), so a schedule never stops for good.
 * <p>
 * Threads: safe for concurrent use; it holds no state of its own beyond its collaborators.
 *
 * @since 0.2.0
 */
public class RecurringSchedules {

	private static final Logger logger = LoggerFactory.getLogger(RecurringSchedules.class);

	private final JobStore store;

	private final Clock clock;

	private final Function<@Nullable Object, @Nullable String> bodyWriter;

	private final CallbackValidator callbackValidator;

	RecurringSchedules(JobStore store, Clock clock, Function<@Nullable Object, @Nullable String> bodyWriter,
			CallbackValidator callbackValidator) {
		this.store = store;
		this.clock = clock;
		this.bodyWriter = bodyWriter;
		this.callbackValidator = callbackValidator;
	}

	/**
	 * Declares a recurring job: stores its definition when it changed, then its pending occurrence when there is
	 * none, or moves the one there is when it was planned with another version and has not started.
	 * @param job the recurring job
	 * @param declaredIn {@link RecurringDefinition#API}, or {@link RecurringDefinition#CONFIGURATION} and the
	 * application name after a colon
	 * @return when the pending occurrence is due
	 * @throws InvalidJobException when the body or callback breaks a rule, or a job of the topic that is not the
	 * schedule's occurrence has its name as id (nothing is changed then)
	 */
	public Instant declare(RecurringJob job, String declaredIn) {
		if (job.callback() != null) {
			this.callbackValidator.check(job.callback());
		}
		RecurringDefinition definition = RecurringDefinition.of(job, this.bodyWriter.apply(job.body()), declaredIn);
		String name = job.name();
		return DefaultDelayQueue.redis("declare recurring job '" + name + "'", () -> {
			String storedJson = storedDefinition(name);
			RecurringDefinition stored = RecurringDefinition.readable(name, storedJson);
			String json = definition.toJson();
			if (!json.equals(storedJson)) {
				this.store.saveRecurringDefinition(name, json);
			}
			OccurrenceUpsert upsert = upsert(definition);
			if (upsert.kind() == OccurrenceUpsert.Kind.CONFLICT) {
				if (storedJson != null) {
					this.store.saveRecurringDefinition(name, storedJson);
				}
				else {
					this.store.deleteRecurringDefinition(name);
				}
				throw new InvalidJobException("name", "is the id of a job of topic '" + definition.topic()
						+ "' that is not an occurrence of recurring job '" + name + "' (it is "
						+ upsert.state().name().toLowerCase(java.util.Locale.ROOT)
						+ "); cancel it or choose another name");
			}
			if (stored != null && !stored.topic().equals(definition.topic())) {
				// its occurrence moved to the new topic (stored first, so a crash leaves one, never none): the old
				// one goes, and one being delivered there ends without a next one
				this.store.dropOccurrence(stored.topic(), name);
			}
			if (upsert.kind() != OccurrenceUpsert.Kind.UNCHANGED) {
				logger.info("Recurring job '{}' ({}): next occurrence {} at {}", name, declaredIn,
						upsert.kind().name().toLowerCase(java.util.Locale.ROOT), Instant.ofEpochMilli(upsert.due()));
			}
			return Instant.ofEpochMilli(upsert.due());
		});
	}

	/**
	 * Lists the recurring jobs with their pending occurrences' due times.
	 * @return the recurring jobs, by name
	 */
	public List<RecurringSchedule> list() {
		return DefaultDelayQueue.redis("list recurring jobs", () -> {
			List<RecurringSchedule> schedules = new ArrayList<>();
			for (Map.Entry<String, String> entry : new TreeMap<>(this.store.recurringDefinitions()).entrySet()) {
				RecurringDefinition definition = RecurringDefinition.readable(entry.getKey(), entry.getValue());
				if (definition != null) {
					Optional<DelayedJob> occurrence = this.store.get(definition.topic(), definition.name());
					schedules.add(definition.schedule(occurrence.map(DelayedJob::dueAt).orElse(null)));
				}
			}
			return schedules;
		});
	}

	/**
	 * Removes a recurring job and its pending occurrence.
	 * @param name the schedule's name
	 * @return whether there was such a recurring job
	 */
	public boolean remove(String name) {
		RecurringJob.checkName(name);
		return DefaultDelayQueue.redis("remove recurring job '" + name + "'", () -> {
			String storedJson = storedDefinition(name);
			if (storedJson == null) {
				return false;
			}
			RecurringDefinition stored = RecurringDefinition.readable(name, storedJson);
			if (stored != null) {
				this.store.dropOccurrence(stored.topic(), name);
			}
			boolean removed = this.store.deleteRecurringDefinition(name);
			if (stored != null) {
				// again: an instance reconciling between the two steps may have stored one
				this.store.dropOccurrence(stored.topic(), name);
			}
			logger.info("Recurring job '{}' removed", name);
			return removed;
		});
	}

	/**
	 * Removes the recurring jobs declared in the configuration of an application that it no longer declares.
	 * @param declaredIn {@link RecurringDefinition#CONFIGURATION} and the application name after a colon
	 * @param declared the names the application's configuration declares
	 * @return the names removed
	 */
	public List<String> removeUndeclared(String declaredIn, Collection<String> declared) {
		Set<String> keep = Set.copyOf(declared);
		List<String> removed = new ArrayList<>();
		Map<String, String> all = DefaultDelayQueue.redis("list recurring jobs", this.store::recurringDefinitions);
		for (Map.Entry<String, String> entry : all.entrySet()) {
			RecurringDefinition definition = RecurringDefinition.readable(entry.getKey(), entry.getValue());
			if (definition != null && definition.declaredIn().equals(declaredIn) && !keep.contains(entry.getKey())
					&& remove(entry.getKey())) {
				removed.add(entry.getKey());
			}
		}
		return removed;
	}

	/**
	 * Stores an occurrence for every recurring job that has none (and moves one planned with an older version that
	 * has not started).
	 * @return how many occurrences were created or moved
	 */
	public int reconcile() {
		int changed = 0;
		Map<String, String> all = DefaultDelayQueue.redis("list recurring jobs", this.store::recurringDefinitions);
		for (Map.Entry<String, String> entry : all.entrySet()) {
			RecurringDefinition definition = RecurringDefinition.readable(entry.getKey(), entry.getValue());
			if (definition == null) {
				continue;
			}
			OccurrenceUpsert upsert = DefaultDelayQueue.redis("store an occurrence of recurring job '"
					+ definition.name() + "'", () -> upsert(definition));
			switch (upsert.kind()) {
				case CREATED, MOVED -> {
					if (removedMeanwhile(definition)) {
						continue;
					}
					changed++;
					logger.warn("Recurring job '{}' had no pending occurrence (cancelled, or lost by Redis); stored "
							+ "the next one, at {}", definition.name(), Instant.ofEpochMilli(upsert.due()));
				}
				case CONFLICT -> logger.warn("Recurring job '{}' cannot store its occurrence: a job of topic '{}' that "
						+ "is not one has its name as id", definition.name(), definition.topic());
				default -> {
				}
			}
		}
		return changed;
	}

	/**
	 * Whether a recurring job was removed (or moved to another topic) while {@link #reconcile()} stored its
	 * occurrence from the definition it had read: the occurrence just stored is dropped again.
	 */
	private boolean removedMeanwhile(RecurringDefinition definition) {
		String name = definition.name();
		return DefaultDelayQueue.redis("check recurring job '" + name + "'", () -> {
			RecurringDefinition now = RecurringDefinition.readable(name,
					storedDefinition(name));
			if (now != null && now.topic().equals(definition.topic())) {
				return false;
			}
			this.store.dropOccurrence(definition.topic(), name);
			return true;
		});
	}

	/** A schedule's stored definition text, or {@code null}. */
	private @Nullable String storedDefinition(String name) {
		return this.store.recurringDefinitions(List.of(name)).get(name);
	}

	private OccurrenceUpsert upsert(RecurringDefinition definition) {
		Instant now = this.clock.instant();
		Instant first = definition.times().first(now);
		return this.store.upsertOccurrence(definition.topic(), definition.occurrence(first), definition.job(first),
				now.toEpochMilli());
	}

}
