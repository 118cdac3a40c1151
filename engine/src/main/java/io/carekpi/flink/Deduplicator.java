package io.carekpi.flink;

import io.carekpi.events.DecodedEvent;
import io.carekpi.kpi.SeenEvents;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops repeats of an {@code eventId} seen within the dedup horizon (counted, SPEC section 1).
 * Keyed by conversation: a duplicate belongs to the same conversation as its original, so no
 * extra shuffle is needed. An id is remembered until the watermark passes its event time plus
 * the horizon; a repeat arriving later than that is late anyway and goes to the late output.
 */
public class Deduplicator extends KeyedProcessFunction<String, DecodedEvent, DecodedEvent>
        implements MigratesKeyedState {
    private static final long serialVersionUID = 1L;

    private final long horizonMs;
    /** The v1 state ({@code flink.SeenEvents}), moved to {@link #seen} at open. */
    @SuppressWarnings("deprecation")
    private static final ValueStateDescriptor<io.carekpi.flink.SeenEvents> V1_SEEN =
            new ValueStateDescriptor<>("seen", io.carekpi.flink.SeenEvents.class);

    private transient ValueState<SeenEvents> seen;
    private transient ValueState<Long> timer;
    private transient Counter duplicates;

    public Deduplicator(long horizonMs) {
        this.horizonMs = horizonMs;
    }

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seenEvents", SeenEvents.class));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("forgetTimer", Long.class));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    }

    @Override
    @SuppressWarnings("deprecation")
    public void migrate(KeyedStateMigration migration) throws Exception {
        migration.forEachKey(V1_SEEN, v1 -> {
            io.carekpi.flink.SeenEvents old = v1.value();
            SeenEvents s = new SeenEvents();
            for (int i = 0; i < old.size; i++) {
                s.add(old.hashes[i], old.until[i]);
            }
            seen.update(s);
            v1.clear();
        });
    }

    @Override
    public void processElement(DecodedEvent e, Context ctx, Collector<DecodedEvent> out) throws Exception {
        long hash = SeenEvents.hash(e.event().getEventId());
        SeenEvents s = seen.value();
        if (s == null) {
            s = new SeenEvents();
        } else if (s.contains(hash)) {
            duplicates.inc();
            getRuntimeContext().getLongCounter(Accumulators.DUPLICATES).add(1L);
            return;
        }
        long keepUntil = Math.max(e.time(), ctx.timerService().currentWatermark()) + horizonMs;
        s.add(hash, keepUntil);
        seen.update(s);
        Long t = timer.value();
        if (t == null || keepUntil < t) {
            if (t != null) {
                ctx.timerService().deleteEventTimeTimer(t);
            }
            ctx.timerService().registerEventTimeTimer(keepUntil);
            timer.update(keepUntil);
        }
        out.collect(e);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<DecodedEvent> out) throws Exception {
        SeenEvents s = seen.value();
        if (s == null || ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            // End of input: nothing can repeat any more, and no timer can be set.
            seen.clear();
            timer.clear();
            return;
        }
        long next = s.forgetUntil(time);
        if (s.isEmpty()) {
            seen.clear();
            timer.clear();
        } else {
            seen.update(s);
            ctx.timerService().registerEventTimeTimer(next);
            timer.update(next);
        }
    }
}
