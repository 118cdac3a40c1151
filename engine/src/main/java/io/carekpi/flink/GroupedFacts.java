package io.carekpi.flink;

import io.carekpi.kpi.Dimensions;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;

/**
 * What the window stage receives for one grouping: either facts already summed for one cell (the
 * same window of every configured size, {@link #windowStarts}) by {@link PreAggregator}, or a
 * single fact as it came (one the pre-aggregator found too late to sum, so the window stage can
 * route it to the late-facts output with its own checks).
 */
public class GroupedFacts {
    /** Dimensions of the grouping (null = all). */
    public String channel;
    public String agent;
    public String queue;
    /** Start of the window of each configured size (config order) the summed facts fall in; null for a single fact. */
    public long[] windowStarts;
    /** The summed facts; null for a single fact. */
    public KpiCounters counters;
    /** A single fact, its dimensions those of the grouping; null for summed facts. */
    public KpiFact fact;

    public GroupedFacts() {}

    /** A single fact, grouped by its own dimensions. */
    public static GroupedFacts of(KpiFact fact) {
        GroupedFacts g = new GroupedFacts();
        g.channel = fact.channel;
        g.agent = fact.agent;
        g.queue = fact.queue;
        g.fact = fact;
        return g;
    }

    static GroupedFacts summed(String channel, String agent, String queue, long[] windowStarts, KpiCounters counters) {
        GroupedFacts g = new GroupedFacts();
        g.channel = channel;
        g.agent = agent;
        g.queue = queue;
        g.windowStarts = windowStarts;
        g.counters = counters;
        return g;
    }

    /** The window stage's key: the grouping. */
    public static String key(GroupedFacts g) {
        return Dimensions.key(g.channel, g.agent, g.queue);
    }
}
