package io.carekpi.flink;

import io.carekpi.config.EngineConfig;
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
 * Drops repeats of an {@code eventId} within a conversation (counted, SPEC section 1), for as long
 * as the conversation is remembered: its ids are forgotten together once the watermark passes
 * {@code conversationRetention} after its latest event, as the conversation itself is. Keyed by
 * conversation: a duplicate belongs to the same conversation as its original, so no extra shuffle
 * is needed; the same id in another conversation is another event. The first copy to arrive wins
 * (Kafka offset order live; line order in replay, see {@code Replay}).
 */
public class Deduplicator extends KeyedProcessFunction<String, DecodedEvent, DecodedEvent>
        implements MigratesKeyedState {
    private static final long serialVersionUID = 1L;

    private final long retentionMs;
    /** The v1 state ({@code flink.SeenEvents}), moved to {@link #seen} at open. */
    @SuppressWarnings("deprecation")
    private static final ValueStateDescriptor<io.carekpi.flink.SeenEvents> V1_SEEN =
            new ValueStateDescriptor<>("seen", io.carekpi.flink.SeenEvents.class);

    private transient ValueState<SeenEvents> seen;
    private transient ValueState<Long> timer;
    private transient Counter duplicates;
    private transient LongCounter duplicatesSeen;
    private transient LongCounter unique;

    public Deduplicator(EngineConfig config) {
        this.retentionMs = config.conversationRetention.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seenEvents", SeenEvents.class));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("forgetTimer", Long.class));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        duplicatesSeen = getRuntimeContext().getLongCounter(Accumulators.DUPLICATES);
        unique = getRuntimeContext().getLongCounter(Accumulators.UNIQUE);
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
            duplicatesSeen.add(1L);
            return;
        }
        s.add(hash, Math.max(e.time(), ctx.timerService().currentWatermark()) + retentionMs);
        seen.update(s);
        if (timer.value() == null) {
            // One timer per conversation; when it fires early (later events moved `until`), it moves.
            ctx.timerService().registerEventTimeTimer(s.until);
            timer.update(s.until);
        }
        unique.add(1L);
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
        if (s.until > time) {
            ctx.timerService().registerEventTimeTimer(s.until);
            timer.update(s.until);
        } else {
            seen.clear();
            timer.clear();
        }
    }
}
