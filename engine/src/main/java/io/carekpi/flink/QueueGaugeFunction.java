package io.carekpi.flink;

import io.carekpi.kpi.Dimensions;
import io.carekpi.kpi.WaitUpdate;
import io.carekpi.schema.QueueGauge;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Live gauges (SPEC section 4), keyed by channel and queue ({@code all} for every queue of a
 * channel; channel and queue {@code all} for every channel): which conversations wait for an agent
 * reply now. A reading goes out at once when a
 * quiet key changes, then every {@code intervalMs} of processing time while anything waits, plus
 * one reading of zero when the last wait ends. The age of the oldest wait is measured against the
 * wall clock, as a wallboard shows it.
 */
public class QueueGaugeFunction extends KeyedProcessFunction<String, WaitUpdate, QueueGauge> {
    private static final long serialVersionUID = 1L;

    private final long intervalMs;
    private transient MapState<String, Long> waits;
    private transient ValueState<Long> timer;

    public QueueGaugeFunction(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** The gauge key of an update: its channel or all channels (null), and its queue or all queues (null). */
    public static String key(String channel, String queue) {
        return Dimensions.label(channel) + '\u001f' + Dimensions.label(queue);
    }

    @Override
    public void open(OpenContext ctx) {
        waits = getRuntimeContext().getMapState(new MapStateDescriptor<>("waits", Types.STRING, Types.LONG));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("refreshTimer", Types.LONG));
    }

    @Override
    public void processElement(WaitUpdate u, Context ctx, Collector<QueueGauge> out) throws Exception {
        if (u.waiting()) {
            waits.put(u.conversationId, u.since);
        } else {
            waits.remove(u.conversationId);
        }
        if (timer.value() == null) {
            read(ctx.getCurrentKey(), out);
            long at = ctx.timerService().currentProcessingTime() + intervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    /** Emits the current reading; returns how many conversations wait. */
    private long read(String key, Collector<QueueGauge> out) throws Exception {
        long count = 0;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, Long> e : waits.entries()) {
            count++;
            oldest = Math.min(oldest, e.getValue());
        }
        String[] dims = key.split("\u001f", -1);
        long now = System.currentTimeMillis();
        out.collect(new QueueGauge(dims[0], dims[1], count, count == 0 ? 0 : Math.max(0, now - oldest),
                Instant.ofEpochMilli(now)));
        return count;
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<QueueGauge> out) throws Exception {
        long count = read(ctx.getCurrentKey(), out);
        if (count == 0) {
            timer.clear();
            waits.clear();
        } else {
            long at = t + intervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }
}
