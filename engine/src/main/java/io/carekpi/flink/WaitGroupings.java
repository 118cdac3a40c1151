package io.carekpi.flink;

import io.carekpi.kpi.WaitUpdate;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Fans a conversation's {@link WaitUpdate} out to the gauges it counts in (operator {@code waits}):
 * its channel and queue (when it names one), its channel with every queue, and every channel with
 * every queue ({@code all}/{@code all}, as the KPIs name the all-channel grouping). There is no
 * all-channel gauge per queue, as there is no such KPI grouping (SPEC section 4). Live mode only:
 * the gauges are processing-time readings, so replay gets an empty stream.
 */
public class WaitGroupings implements FlatMapFunction<WaitUpdate, WaitUpdate> {
    private static final long serialVersionUID = 1L;

    private final boolean live;

    public WaitGroupings(boolean live) {
        this.live = live;
    }

    @Override
    public void flatMap(WaitUpdate u, Collector<WaitUpdate> out) {
        if (!live) {
            return;
        }
        if (u.queue != null) {
            out.collect(u);
        }
        out.collect(new WaitUpdate(u.conversationId, u.channel, null, u.since));
        out.collect(new WaitUpdate(u.conversationId, null, null, u.since));
    }
}
