package io.carekpi.config;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Opening hours in which SLA clocks run: an IANA time zone, several opening intervals per weekday
 * (a lunch break is two intervals) and holiday dates (closed all day). Local times are turned into
 * instants per date, so daylight-saving changes move opening hours with the local clock.
 */
public final class BusinessCalendar implements Serializable {
    private static final long serialVersionUID = 1L;
    /** A calendar open less than this over a search horizon never reaches a deadline. */
    private static final int MAX_DAYS = 3 * 366;

    public final String name;
    private final ZoneId zone;
    private final Map<DayOfWeek, List<LocalTime[]>> hours;
    private final Set<LocalDate> holidays;

    public BusinessCalendar(String name, ZoneId zone, Map<DayOfWeek, List<LocalTime[]>> hours, Set<LocalDate> holidays) {
        this.name = name;
        this.zone = zone;
        this.hours = new EnumMap<>(DayOfWeek.class);
        hours.forEach((d, list) -> {
            List<LocalTime[]> sorted = new ArrayList<>(list);
            sorted.sort((a, b) -> a[0].compareTo(b[0]));
            for (LocalTime[] iv : sorted) {
                if (!iv[0].isBefore(iv[1]) && !iv[1].equals(LocalTime.MIDNIGHT)) {
                    throw new IllegalArgumentException("calendar " + name + ": opening " + iv[0] + "-" + iv[1]
                            + " on " + d + " does not end after it starts");
                }
            }
            this.hours.put(d, sorted);
        });
        this.holidays = Set.copyOf(holidays);
    }

    public ZoneId zone() {
        return zone;
    }

    /** Opening intervals of one local date as instants, in order (none on holidays). */
    private List<long[]> openings(LocalDate date) {
        List<long[]> out = new ArrayList<>();
        if (holidays.contains(date)) {
            return out;
        }
        for (LocalTime[] iv : hours.getOrDefault(date.getDayOfWeek(), List.of())) {
            long open = ZonedDateTime.of(date, iv[0], zone).toInstant().toEpochMilli();
            long close = iv[1].equals(LocalTime.MIDNIGHT)
                    ? date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli()
                    : ZonedDateTime.of(date, iv[1], zone).toInstant().toEpochMilli();
            if (close > open) {
                out.add(new long[] {open, close});
            }
        }
        return out;
    }

    /**
     * The instant at which {@code businessMs} of opening time have passed since {@code start}, or
     * {@link Long#MAX_VALUE} when the calendar does not open that much within three years.
     * A zero duration started outside opening hours ends at the next opening.
     */
    public long addBusinessTime(long start, long businessMs) {
        long remaining = businessMs;
        LocalDate date = Instant.ofEpochMilli(start).atZone(zone).toLocalDate().minusDays(1);
        for (int i = 0; i < MAX_DAYS; i++, date = date.plusDays(1)) {
            for (long[] iv : openings(date)) {
                long from = Math.max(start, iv[0]);
                if (from >= iv[1]) {
                    continue;
                }
                long available = iv[1] - from;
                if (remaining <= available) {
                    return from + remaining;
                }
                remaining -= available;
            }
        }
        return Long.MAX_VALUE;
    }

    /** Opening time between two instants ({@code from <= to}). */
    public long businessTimeBetween(long from, long to) {
        if (to <= from) {
            return 0;
        }
        long total = 0;
        LocalDate date = Instant.ofEpochMilli(from).atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = Instant.ofEpochMilli(to).atZone(zone).toLocalDate().plusDays(1);
        for (; !date.isAfter(last); date = date.plusDays(1)) {
            for (long[] iv : openings(date)) {
                long a = Math.max(from, iv[0]);
                long b = Math.min(to, iv[1]);
                if (b > a) {
                    total += b - a;
                }
            }
        }
        return total;
    }
}
