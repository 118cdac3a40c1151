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
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
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
 *
 * <p>A reading costs the same whether ten or a million conversations wait (an e-mail backlog; #18):
 * {@code waits} holds each waiting conversation's start for its end to find, and beside it the
 * count, the oldest start and how many waits started in each hour, second and millisecond
 * ({@code waitsPerHour}, {@code waitsPerSecond}, {@code waitsPerMs}) are kept as waits start and
 * end. When the oldest wait ends, the oldest start becomes a lower bound, and the next reading
 * finds the new oldest by looking up the hours, then the seconds of the first busy hour, then the
 * milliseconds of its first busy second, from that bound up: point reads, never a scan of the
 * waits. (Scanning them at every reading, five times a second, was the earlier build: with a
 * million waiting conversations it took both cores on RocksDB.)
 */
public class QueueGaugeFunction extends KeyedProcessFunction<String, WaitUpdate, QueueGauge>
        implements MigratesKeyedState {
    private static final long serialVersionUID = 1L;
    private static final long HOUR_MS = 3_600_000L;
    private static final long SECOND_MS = 1_000L;
    /** {@link #summary}: how many wait, the oldest start (or a lower bound of it), whether that is exact. */
    private static final int COUNT = 0;
    private static final int OLDEST = 1;
    private static final int EXACT = 2;

    private final long intervalMs;
    private final MapStateDescriptor<String, Long> waitsDescriptor =
            new MapStateDescriptor<>("waits", Types.STRING, Types.LONG);
    private transient MapState<String, Long> waits;
    private transient ValueState<long[]> summary;
    private transient MapState<Long, Long> perHour;
    private transient MapState<Long, Long> perSecond;
    private transient MapState<Long, Long> perMs;
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
        waits = getRuntimeContext().getMapState(waitsDescriptor);
        summary = getRuntimeContext().getState(
                new ValueStateDescriptor<>("waitSummary", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        perHour = getRuntimeContext().getMapState(new MapStateDescriptor<>("waitsPerHour", Types.LONG, Types.LONG));
        perSecond = getRuntimeContext().getMapState(new MapStateDescriptor<>("waitsPerSecond", Types.LONG, Types.LONG));
        perMs = getRuntimeContext().getMapState(new MapStateDescriptor<>("waitsPerMs", Types.LONG, Types.LONG));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("refreshTimer", Types.LONG));
    }

    /**
     * A savepoint of the earlier build holds the waits alone: each key that has them and no summary
     * gets its count, oldest start and per-hour, second and millisecond counts from them, once.
     */
    @Override
    public void migrate(KeyedStateMigration migration) throws Exception {
        migration.forEachKey(waitsDescriptor, legacy -> {
            if (summary.value() != null) {
                return;
            }
            long[] s = empty();
            for (Map.Entry<String, Long> e : legacy.entries()) {
                start(e.getValue(), s);
            }
            summary.update(s);
        });
    }

    @Override
    public void processElement(WaitUpdate u, Context ctx, Collector<QueueGauge> out) throws Exception {
        Long before = waits.get(u.conversationId);
        long[] s = summary.value();
        if (s == null) {
            s = empty();
        }
        if (u.waiting()) {
            if (before == null || before != u.since) {
                if (before != null) {
                    end(before, s);
                }
                waits.put(u.conversationId, u.since);
                start(u.since, s);
            }
        } else if (before != null) {
            waits.remove(u.conversationId);
            end(before, s);
        }
        summary.update(s);
        if (timer.value() == null) {
            read(ctx.getCurrentKey(), out);
            long at = ctx.timerService().currentProcessingTime() + intervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    private static long[] empty() {
        long[] s = new long[3];
        s[OLDEST] = Long.MAX_VALUE;
        s[EXACT] = 1;
        return s;
    }

    private void start(long since, long[] s) throws Exception {
        s[COUNT]++;
        add(perHour, Math.floorDiv(since, HOUR_MS), 1);
        add(perSecond, Math.floorDiv(since, SECOND_MS), 1);
        add(perMs, since, 1);
        if (since < s[OLDEST]) {
            s[OLDEST] = since;
            s[EXACT] = 1;
        }
    }

    private void end(long since, long[] s) throws Exception {
        s[COUNT]--;
        add(perHour, Math.floorDiv(since, HOUR_MS), -1);
        add(perSecond, Math.floorDiv(since, SECOND_MS), -1);
        if (add(perMs, since, -1) == 0 && since == s[OLDEST]) {
            s[EXACT] = 0; // every wait left starts later: the oldest start is now a lower bound
        }
    }

    /** Adds delta to the count of a bucket, removing it at zero; returns the new count. */
    private static long add(MapState<Long, Long> counts, long bucket, long delta) throws Exception {
        Long was = counts.get(bucket);
        long now = (was == null ? 0 : was) + delta;
        if (now == 0) {
            counts.remove(bucket);
        } else {
            counts.put(bucket, now);
        }
        return now;
    }

    /**
     * The oldest start of a key with waits: exact, or found up from its lower bound (every wait
     * starts at or after it), the first busy hour, then second, then millisecond.
     */
    private long oldest(long[] s) throws Exception {
        if (s[EXACT] == 0) {
            long hour = Math.floorDiv(s[OLDEST], HOUR_MS);
            while (!perHour.contains(hour)) {
                hour++;
            }
            long second = Math.max(Math.floorDiv(s[OLDEST], SECOND_MS), hour * (HOUR_MS / SECOND_MS));
            while (!perSecond.contains(second)) {
                second++;
            }
            long ms = Math.max(s[OLDEST], second * SECOND_MS);
            while (!perMs.contains(ms)) {
                ms++;
            }
            s[OLDEST] = ms;
            s[EXACT] = 1;
            summary.update(s);
        }
        return s[OLDEST];
    }

    /** Emits the current reading; returns how many conversations wait. */
    private long read(String key, Collector<QueueGauge> out) throws Exception {
        long[] s = summary.value();
        long count = s == null ? 0 : s[COUNT];
        String[] dims = key.split("\u001f", -1);
        long now = System.currentTimeMillis();
        out.collect(new QueueGauge(dims[0], dims[1], count, count == 0 ? 0 : Math.max(0, now - oldest(s)),
                Instant.ofEpochMilli(now)));
        return count;
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<QueueGauge> out) throws Exception {
        long count = read(ctx.getCurrentKey(), out);
        if (count == 0) {
            // The maps are empty already: each wait's entry and bucket counts left as it ended.
            // Clearing them again would cost RocksDB a scan over every deletion of the key.
            timer.clear();
            summary.clear();
        } else {
            long at = t + intervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }
}
