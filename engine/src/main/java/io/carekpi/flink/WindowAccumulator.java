package io.carekpi.flink;

import io.carekpi.kpi.KpiCounters;

/** One window of one grouping in the window stage: counters plus emission bookkeeping. */
public class WindowAccumulator {
    public KpiCounters counters = new KpiCounters();
    /** Dimensions of the grouping (null = not grouped). */
    public String channel;
    public String agent;
    public String queue;
    /** Revision of the last emitted snapshot; 0 before the first. */
    public long revision;
    /** Changed since the last emission. */
    public boolean dirty;
    /** The watermark has passed the window's end. */
    public boolean closed;

    public WindowAccumulator() {}
}
