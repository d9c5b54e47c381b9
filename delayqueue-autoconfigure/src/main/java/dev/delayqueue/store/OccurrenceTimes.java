package dev.delayqueue.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;

/**
 * When the occurrences of a recurring job fall. A fixed interval counts from the previous occurrence's time. A cron
 * expression is read in its zone, with the rules cron daemons keep across daylight-saving changes:
 * <ul>
 * <li>An expression with a fixed hour (such as {@code 0 30 2 * * *}) follows the wall clock. A time the clocks skip
 * (02:30 on a spring-forward night) runs once, shifted by the gap (03:30), so no day goes without; a time the clocks
 * pass twice (02:30 on a fall-back night) runs once, at its first pass.</li>
 * <li>An expression that runs every hour ({@code *} in the hour field, or {@code @hourly}) follows real time: the hour
 * that does not exist has no occurrences, the hour that repeats has them twice, each an hour apart.</li>
 * </ul>
 * Whatever the rule, each next occurrence is strictly later than the one before.
 *
 * @since 0.2.0
 */
public final class OccurrenceTimes {

	private final @Nullable CronExpression cron;

	private final @Nullable ZoneId zone;

	private final @Nullable Duration every;

	private final boolean wallClock;

	private OccurrenceTimes(@Nullable CronExpression cron, @Nullable ZoneId zone, @Nullable Duration every,
			boolean wallClock) {
		this.cron = cron;
		this.zone = zone;
		this.every = every;
		this.wallClock = wallClock;
	}

	/**
	 * The occurrence times of a cron expression in a zone.
	 * @param cron a Spring cron expression
	 * @param zone the zone it is read in
	 * @return the times
	 */
	public static OccurrenceTimes cron(String cron, ZoneId zone) {
		return new OccurrenceTimes(CronExpression.parse(cron), zone, null, !everyHour(cron));
	}

	/**
	 * The occurrence times of a fixed interval.
	 * @param every the interval
	 * @return the times
	 */
	public static OccurrenceTimes every(Duration every) {
		return new OccurrenceTimes(null, null, every, false);
	}

	/**
	 * Returns the first occurrence of a schedule created at {@code now}: for a cron expression the first time after
	 * now, for an interval now plus the interval.
	 * @param now the current time
	 * @return the first occurrence
	 */
	public Instant first(Instant now) {
		if (this.every != null) {
			return now.plus(this.every);
		}
		return cronAfter(now, now);
	}

	/**
	 * Returns the occurrence after {@code previous} that is also after {@code now}: the following one when the
	 * previous occurrence ended on time, the first one to come when occurrences were missed (an interval keeps its
	 * rhythm: previous plus a whole number of intervals).
	 * @param previous the previous occurrence's time
	 * @param now the current time
	 * @return the next occurrence, later than both
	 */
	public Instant next(Instant previous, Instant now) {
		if (this.every != null) {
			long step = this.every.toMillis();
			long behind = Math.max(0, now.toEpochMilli() - previous.toEpochMilli());
			long steps = behind / step + 1;
			return previous.plusMillis(Math.multiplyExact(steps, step));
		}
		return cronAfter(previous, previous.isAfter(now) ? previous : now);
	}

	/**
	 * Returns the period of the schedule around an occurrence: the interval, or the time from the occurrence to the
	 * following one.
	 * @param occurrence an occurrence's time
	 * @return the period
	 */
	public Duration period(Instant occurrence) {
		if (this.every != null) {
			return this.every;
		}
		return Duration.between(occurrence, cronAfter(occurrence, occurrence));
	}

	/** The first cron time strictly after {@code after} (and after {@code previous}, the occurrence before). */
	private Instant cronAfter(Instant previous, Instant after) {
		CronExpression cron = this.cron;
		ZoneId zone = this.zone;
		if (!this.wallClock) {
			// Spring may answer a time that is not later (a fall-back of half an hour, Lord Howe Island): go on
			ZonedDateTime from = ZonedDateTime.ofInstant(after, zone);
			for (int i = 0; i < 10_000; i++) {
				ZonedDateTime next = cron.next(from);
				if (next == null) {
					break;
				}
				if (next.toInstant().isAfter(after) && next.toInstant().isAfter(previous)) {
					return next.toInstant();
				}
				from = (next.isAfter(from) ? next : from).plusSeconds(1);
			}
			throw new IllegalStateException("Cron expression '" + cron + "' has no time after " + after);
		}
		LocalDateTime local = LocalDateTime.ofInstant(after, zone);
		for (int i = 0; i < 10_000; i++) {
			LocalDateTime next = cron.next(local);
			if (next == null) {
				break;
			}
			// a skipped wall time moves forward by the gap; a repeated one takes its first (earlier) offset
			Instant at = ZonedDateTime.ofLocal(next, zone, null).toInstant();
			if (at.isAfter(after) && at.isAfter(previous)) {
				return at;
			}
			local = next;
		}
		throw new IllegalStateException("Cron expression '" + cron + "' has no time after " + after);
	}

	/** Whether the expression runs in every hour: {@code *} (or a step of 1) in its hour field, or {@code @hourly}. */
	private static boolean everyHour(String cron) {
		String trimmed = cron.trim().toLowerCase(Locale.ROOT);
		if (trimmed.startsWith("@")) {
			return trimmed.equals("@hourly");
		}
		String[] fields = trimmed.split("\\s+");
		if (fields.length != 6) {
			return false;
		}
		String hour = fields[2];
		return hour.equals("*") || hour.equals("*/1") || hour.equals("0-23") || hour.equals("0/1");
	}

}
