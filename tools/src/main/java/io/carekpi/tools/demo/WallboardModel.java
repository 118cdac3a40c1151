package io.carekpi.tools.demo;

import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import io.carekpi.schema.SlaStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo's terminal wallboard shows, per channel and for all channels ({@code ALL}): waiting
 * now and the oldest wait (live gauges), today's FRT average and p90, service level, AHT, FCR,
 * CSAT (today's {@code 1d} snapshot), and SLA breaches in the last 15 minutes. FCR is marked
 * provisional with the number of verdicts pending (a resolution's verdict comes {@code fcrWindow}
 * after it, so in a demo session nearly every one is pending). Fed from the KPI topics; plain Java
 * so it can be tested without a terminal.
 */
public final class WallboardModel {
    private static final long FIFTEEN_MINUTES = 15 * 60_000L;

    private final Map<String, KpiSnapshot> today = new TreeMap<>();
    private final Map<String, QueueGauge> gauges = new TreeMap<>();
    private final Deque<SlaEvent> breaches = new ArrayDeque<>();
    private final Duration fcrWindow;
    private long updates;

    /** @param fcrWindow the engine's {@code fcrWindow}: when the pending FCR verdicts come */
    public WallboardModel(Duration fcrWindow) {
        this.fcrWindow = fcrWindow;
    }

    /** Keeps the latest revision of the current day's per-channel snapshot (agent=all, queue=all). */
    public synchronized void apply(KpiSnapshot s) {
        updates++;
        if (!"1d".equals(s.getWindow()) || !"all".equals(s.getAgent()) || !"all".equals(s.getQueue())) {
            return;
        }
        KpiSnapshot old = today.get(s.getChannel());
        if (old == null || s.getWindowStart().isAfter(old.getWindowStart())
                || (s.getWindowStart().equals(old.getWindowStart()) && s.getRevision() >= old.getRevision())) {
            today.put(s.getChannel(), s);
        }
    }

    public synchronized void apply(QueueGauge g) {
        updates++;
        if ("all".equals(g.getQueue())) {
            gauges.put(g.getChannel(), g);
        }
    }

    public synchronized void apply(SlaEvent e) {
        updates++;
        if (e.getStatus() == SlaStatus.BREACHED) {
            breaches.addLast(e);
        }
    }

    public synchronized long updates() {
        return updates;
    }

    /** The board as text, {@code now} in epoch millis (breaches older than 15 minutes drop off). */
    public synchronized String render(long now) {
        breaches.removeIf(e -> e.getEmittedFor().toEpochMilli() < now - FIFTEEN_MINUTES);
        Map<String, Integer> recentBreaches = new TreeMap<>();
        for (SlaEvent e : breaches) {
            recentBreaches.merge(e.getChannel().name(), 1, Integer::sum);
        }
        TreeMap<String, Boolean> channels = new TreeMap<>();
        today.keySet().forEach(c -> channels.put(c, true));
        gauges.keySet().forEach(c -> channels.put(c, true));
        StringBuilder sb = new StringBuilder();
        boolean provisional = false;
        sb.append(String.format(Locale.ROOT, "%-10s %7s %9s %9s %9s %7s %9s %-17s %6s %9s%n", "CHANNEL", "WAITING",
                "OLDEST", "FRT avg", "FRT p90", "SL", "AHT", "FCR", "CSAT", "BREACHES"));
        for (String ch : channels.keySet()) {
            QueueGauge g = gauges.get(ch);
            KpiSnapshot s = today.get(ch);
            long pending = s == null ? 0 : fcrPending(s);
            provisional |= pending > 0;
            sb.append(String.format(Locale.ROOT, "%-10s %7s %9s %9s %9s %7s %9s %-17s %6s %9s%n",
                    ch.equals("all") ? "ALL" : ch,
                    g == null ? "-" : Long.toString(g.getWaiting()),
                    g == null ? "-" : duration(g.getOldestWaitMs()),
                    s == null ? "-" : duration(s.getAvgFrtMs()),
                    s == null || s.getFrtP90Ms() == null ? "-" : duration(s.getFrtP90Ms().doubleValue()),
                    s == null ? "-" : percent(s.getServiceLevel()),
                    s == null ? "-" : duration(s.getAhtMs()),
                    s == null ? "-" : percent(s.getFcrRate()) + (pending > 0 ? " (" + pending + " pending)" : ""),
                    s == null || s.getCsatPct() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", s.getCsatPct()),
                    recentBreaches.getOrDefault(ch, 0) + (ch.equals("all") ? breaches.size() : 0)));
        }
        if (provisional) {
            sb.append(String.format(Locale.ROOT, "%nFCR is provisional (FCR candidates / resolved) while verdicts are pending:"
                    + " each is confirmed or lost %s after its resolution.%n", duration(fcrWindow.toMillis())));
        }
        return sb.toString();
    }

    /** FCR candidates of the snapshot still waiting for their verdict (neither confirmed nor lost). */
    static long fcrPending(KpiSnapshot s) {
        return s.getFcrCandidates() - s.getFcrConfirmed() - s.getFcrLost();
    }

    private static String percent(Double ratio) {
        return ratio == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * ratio);
    }

    static String duration(Double ms) {
        return ms == null ? "-" : duration(Math.round(ms));
    }

    static String duration(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
