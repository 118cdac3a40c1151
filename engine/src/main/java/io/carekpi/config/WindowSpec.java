package io.carekpi.config;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * One tumbling window size. Sizes under an hour are aligned to the epoch (and so to every time
 * zone's whole minutes); hour sizes that divide a day start at local hours of the configured zone;
 * {@code 1d} is the local calendar day (23 or 25 hours across a DST change). So every smaller
 * window nests in the larger ones and sums add up exactly.
 */
public final class WindowSpec implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;

    public final Duration size;
    public final String label;
    private final long sizeMs;
    private final ZoneId zone;

    private WindowSpec(Duration size, ZoneId zone) {
        this.size = size;
        this.sizeMs = size.toMillis();
        this.zone = zone;
        this.label = Durations.format(size);
    }

    public static WindowSpec of(Duration size, ZoneId zone) {
        long ms = size.toMillis();
        boolean ok = ms > 0 && (ms < HOUR ? HOUR % ms == 0 : (ms == DAY || (ms % HOUR == 0 && DAY % ms == 0)));
        if (!ok) {
            throw new IllegalArgumentException("window size " + Durations.format(size)
                    + " is not supported: use a size that divides an hour (1s, 1m, 5m, 15m, ...), "
                    + "a number of hours that divides a day, or 1d");
        }
        return new WindowSpec(size, zone);
    }

    /** Start (inclusive) of the window containing {@code t}. */
    public long startOf(long t) {
        if (sizeMs < HOUR) {
            return Math.floorDiv(t, sizeMs) * sizeMs;
        }
        ZonedDateTime local = Instant.ofEpochMilli(t).atZone(zone);
        if (sizeMs == DAY) {
            return local.toLocalDate().atStartOfDay(zone).toInstant().toEpochMilli();
        }
        int hours = (int) (sizeMs / HOUR);
        ZonedDateTime hour = local.truncatedTo(ChronoUnit.HOURS);
        return hour.minusHours(hour.getHour() % hours).toInstant().toEpochMilli();
    }

    /** End (exclusive) of the window starting at {@code start}. */
    public long endOf(long start) {
        if (sizeMs == DAY) {
            LocalDate day = Instant.ofEpochMilli(start).atZone(zone).toLocalDate();
            return day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        }
        return start + sizeMs;
    }

    @Override
    public String toString() {
        return label;
    }
}
