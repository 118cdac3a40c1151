package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the engine must report for a simulated traffic, computed by construction from the plan:
 * for every local day (in the simulation's time zone) that has a fact, the additive KPI fields of
 * all channels together and of each channel. Facts are attributed to days by the instant of
 * SPEC section 4 (the reply for FRT, the segment end for handle, the resolution for FCR
 * verdicts, ...), exactly as the engine attributes them to its {@code 1d} windows.
 */
public final class ExpectedLedger {
    private final ZoneId zone;
    private final TreeMap<LocalDate, Map<Channel, Totals>> byDay;

    private ExpectedLedger(ZoneId zone, TreeMap<LocalDate, Map<Channel, Totals>> byDay) {
        this.zone = zone;
        this.byDay = byDay;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The days with at least one fact, in order. */
    public NavigableSet<LocalDate> days() {
        return Collections.unmodifiableNavigableSet(new TreeSet<>(byDay.keySet()));
    }

    /** Start of {@code day} in the ledger's zone (the engine's {@code 1d} window start). */
    public Instant dayStart(LocalDate day) {
        return day.atStartOfDay(zone).toInstant();
    }

    /** All channels together on {@code day} ({@code channel=all} of the engine). */
    public Totals total(LocalDate day) {
        Totals t = Totals.ZERO;
        for (Totals c : channels(day).values()) {
            t = t.plus(c);
        }
        return t;
    }

    /** One channel on {@code day} (zero when it had no fact that day). */
    public Totals channel(LocalDate day, Channel channel) {
        return channels(day).getOrDefault(channel, Totals.ZERO);
    }

    /** The channels with facts on {@code day}. */
    public Map<Channel, Totals> channels(LocalDate day) {
        return Collections.unmodifiableMap(byDay.getOrDefault(day, Map.of()));
    }

    /** All days and channels together. */
    public Totals total() {
        Totals t = Totals.ZERO;
        for (LocalDate d : byDay.keySet()) {
            t = t.plus(total(d));
        }
        return t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (LocalDate d : byDay.keySet()) {
            sb.append(d).append(": ").append(total(d)).append('\n');
        }
        return sb.toString();
    }

    /** Collects facts while the simulator plans. */
    static final class Builder {
        private final ZoneId zone;
        private final TreeMap<LocalDate, EnumMap<Channel, Totals.Mutable>> byDay = new TreeMap<>();

        Builder(ZoneId zone) {
            this.zone = zone;
        }

        /** Adds {@code value} to {@code field} (max for frt_max_ms) at instant {@code at} on {@code channel}. */
        void add(LedgerField field, long at, Channel channel, long value) {
            LocalDate day = Instant.ofEpochMilli(at).atZone(zone).toLocalDate();
            byDay.computeIfAbsent(day, d -> new EnumMap<>(Channel.class))
                    .computeIfAbsent(channel, c -> new Totals.Mutable())
                    .add(field, value);
        }

        void count(LedgerField field, long at, Channel channel) {
            add(field, at, channel, 1);
        }

        ExpectedLedger build() {
            TreeMap<LocalDate, Map<Channel, Totals>> days = new TreeMap<>();
            byDay.forEach((day, channels) -> {
                EnumMap<Channel, Totals> m = new EnumMap<>(Channel.class);
                channels.forEach((c, t) -> m.put(c, t.freeze()));
                days.put(day, Collections.unmodifiableMap(m));
            });
            return new ExpectedLedger(zone, days);
        }
    }
}
