package io.carekpi.kpi.conversation;

/** What the conversation's summary reports of its handling: handled segments, talk, hold and wrap-up time. A Flink POJO. */
public class HandleTotals {
    public int handledSegments;
    public long talkMs;
    public long holdMs;
    public long wrapUpMs;

    public HandleTotals() {}

    public void add(HandleSegment.Handled segment) {
        handledSegments++;
        talkMs += segment.talkMs();
        holdMs += segment.holdMs();
    }

    public void addWrapUp(long ms) {
        wrapUpMs += ms;
    }
}
