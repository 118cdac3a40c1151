package io.carekpi.flink;

import io.carekpi.events.DecodedEvent;
import io.carekpi.kpi.SeenEvents;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The ids that builds before the conversation stage kept them itself remembered in a stage of
 * their own (uid {@code dedup}): restored from their savepoints, they still drop repeats of the
 * events those builds had seen, until their time to be forgotten. It learns no new ids (the
 * conversation stage does, see {@link ConversationFunction}). A job that did not start from such a
 * savepoint holds none and passes every event through without touching state.
 */
public class EarlierBuildIds extends KeyedProcessFunction<String, DecodedEvent, DecodedEvent>
        implements MigratesKeyedState {
    private static final long serialVersionUID = 1L;

    /** The v1 layout ({@code flink.SeenEvents}), moved to {@link #SEEN} at open. */
    @SuppressWarnings("deprecation")
    private static final ValueStateDescriptor<io.carekpi.flink.SeenEvents> V1_SEEN =
            new ValueStateDescriptor<>("seen", io.carekpi.flink.SeenEvents.class);
    /** The v2 layout: the ids of one conversation and when to forget them. */
    private static final ValueStateDescriptor<SeenEvents> SEEN = new ValueStateDescriptor<>("seenEvents", SeenEvents.class);

    private transient ValueState<SeenEvents> seen;
    /** Which timer the v2 layout had registered: restored, no longer needed, cleared with the ids. */
    private transient ValueState<Long> timer;
    private transient boolean holdsIds;
    private transient Counter duplicates;
    private transient LongCounter duplicatesSeen;

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getState(SEEN);
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("forgetTimer", Long.class));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        duplicatesSeen = getRuntimeContext().getLongCounter(Accumulators.DUPLICATES);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void migrate(KeyedStateMigration migration) throws Exception {
        migration.forEachKey(V1_SEEN, v1 -> {
            io.carekpi.flink.SeenEvents old = v1.value();
            SeenEvents s = new SeenEvents();
            for (int i = 0; i < old.size; i++) {
                s.add(old.hashes[i], old.until[i]); // their old horizon, extended by the next event
            }
            seen.update(s); // the v1 timers, restored with the keys, move to `until` when they fire
            v1.clear();
        });
        holdsIds = migration.forEachKey(SEEN, ids -> {}) > 0;
    }

    @Override
    public void processElement(DecodedEvent e, Context ctx, Collector<DecodedEvent> out) throws Exception {
        if (holdsIds) {
            SeenEvents s = seen.value();
            if (s != null && s.contains(SeenEvents.hash(e.event().getEventId()))) {
                duplicates.inc();
                duplicatesSeen.add(1L);
                return;
            }
        }
        out.collect(e);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<DecodedEvent> out) throws Exception {
        SeenEvents s = seen.value();
        if (s != null && s.until > time && ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(s.until);
        } else {
            seen.clear();
            timer.clear();
        }
    }
}
