package io.carekpi.flink;

import io.carekpi.kpi.Dimensions;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;

/**
 * What the window stage receives, always the same shape: facts of one grouping summed for one
 * cell, the window of every configured size they fall in ({@link #windowStarts}).
 *
 * <p>{@link PreAggregator} sums facts in time per cell until it forwards the next watermark. A
 * fact it finds too late for the window of some size becomes a cell of its own, sent at once and
 * holding that one fact in its sum; such a cell also carries the fact itself ({@link #lateFact}),
 * because the window stage writes it to its late-facts output for each size whose window is gone
 * and adds the sum to the others, as it did when late facts came one at a time.
 */
public class WindowCell {
    /** Dimensions of the grouping (null = all). */
    public String channel;
    public String agent;
    public String queue;
    /** Start of the window of each configured size (config order) the facts fall in. */
    public long[] windowStarts;
    /** The facts, summed. */
    public KpiCounters counters;
    /**
     * The one fact of a cell the pre-aggregator found too late for the window of some size, its
     * dimensions those of the grouping (as the late-facts output shows it); null in a cell of
     * facts summed in time, which is never late in the window stage.
     */
    public KpiFact lateFact;

    public WindowCell() {}

    /** Facts summed in time for one grouping and cell. */
    static WindowCell summed(String channel, String agent, String queue, long[] windowStarts, KpiCounters counters) {
        WindowCell c = new WindowCell();
        c.channel = channel;
        c.agent = agent;
        c.queue = queue;
        c.windowStarts = windowStarts;
        c.counters = counters;
        return c;
    }

    /**
     * A cell of one fact too late for the window of some size, grouped by the fact's own
     * dimensions; {@code windowStarts} are the starts of its windows.
     */
    static WindowCell ofLateFact(KpiFact fact, long[] windowStarts) {
        KpiCounters counters = new KpiCounters();
        counters.apply(fact);
        WindowCell c = summed(fact.channel, fact.agent, fact.queue, windowStarts, counters);
        c.lateFact = fact;
        return c;
    }

    /** The window stage's key: the grouping. */
    public static String key(WindowCell c) {
        return Dimensions.key(c.channel, c.agent, c.queue);
    }
}
