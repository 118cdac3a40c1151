package io.carekpi.flink;

import io.carekpi.kpi.Dimensions;
import io.carekpi.kpi.WaitUpdate;
import io.carekpi.schema.QueueGauge;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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
 *
 * <p>On RocksDB ({@link WritesBehind}) a key's summary, timer and bucket counts changed since
 * they were last written stay in the operator's memory and are written before each checkpoint, when
 * more than {@value #MAX_KEPT_PER_KEY} counts of the key are kept, and when its last wait ends (so
 * nothing of an idle key is left in state). The busiest keys (a channel's, and every channel's)
 * otherwise read and wrote their hour's and second's counts and their summary at every wait start
 * and end. The waits themselves (one entry per waiting conversation) are written at once.
 */
public class QueueGaugeFunction extends KeyedProcessFunction<String, WaitUpdate, QueueGauge>
        implements MigratesKeyedState, WritesBehind {
    private static final long serialVersionUID = 1L;
    private static final long HOUR_MS = 3_600_000L;
    private static final long SECOND_MS = 1_000L;
    /** {@link #summary}: how many wait, the oldest start (or a lower bound of it), whether that is exact. */
    private static final int COUNT = 0;
    private static final int OLDEST = 1;
    private static final int EXACT = 2;
    /** Bucket levels: the counts per hour, second and millisecond of wait start. */
    private static final int HOURS = 0;
    private static final int SECONDS = 1;
    private static final int MILLISECONDS = 2;
    /** A key's counts kept unwritten beyond this many are written at once (a few tens of KB per key). */
    static final int MAX_KEPT_PER_KEY = 1_000;

    private final long intervalMs;
    private final MapStateDescriptor<String, Long> waitsDescriptor =
            new MapStateDescriptor<>("waits", Types.STRING, Types.LONG);
    private transient MapState<String, Long> waits;
    private transient ValueState<long[]> summary;
    private transient MapState<Long, Long> perHour;
    private transient MapState<Long, Long> perSecond;
    private transient MapState<Long, Long> perMs;
    private transient ValueState<Long> timer;
    /** What is kept unwritten, by key (null: everything is written at once, as on the heap). */
    private transient Map<String, Kept> kept;
    /** The current key's kept values while an element or timer is handled; null when not keeping. */
    private transient Kept current;

    /** One key's values changed since they were last written; a count of 0 stands for a removed bucket. */
    private static final class Kept {
        long[] summary;
        boolean summaryRead;
        boolean summaryChanged;
        Long timer;
        boolean timerRead;
        boolean timerChanged;
        final List<Map<Long, Long>> counts = List.of(new HashMap<>(), new HashMap<>(), new HashMap<>());
        int size;
    }

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
    public void bufferWrites(boolean stateReadsAreCopies) {
        kept = stateReadsAreCopies ? new HashMap<>() : null;
        current = null;
    }

    @Override
    public <K> void flush(java.util.function.Consumer<K> setCurrentKey) throws Exception {
        if (kept == null || kept.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Kept> key : kept.entrySet()) {
            @SuppressWarnings("unchecked")
            K k = (K) key.getKey();
            setCurrentKey.accept(k);
            write(key.getValue());
        }
        kept.clear();
        current = null;
    }

    /** Writes a key's kept values to state; the key must be current. */
    private void write(Kept k) throws Exception {
        if (k.summaryChanged) {
            set(summary, k.summary);
        }
        if (k.timerChanged) {
            set(timer, k.timer);
        }
        for (int level = HOURS; level <= MILLISECONDS; level++) {
            MapState<Long, Long> counts = level(level);
            for (Map.Entry<Long, Long> c : k.counts.get(level).entrySet()) {
                if (c.getValue() == 0) {
                    counts.remove(c.getKey());
                } else {
                    counts.put(c.getKey(), c.getValue());
                }
            }
        }
    }

    /** Starts handling an element or timer of {@code key}: its kept values, if keeping. */
    private void handling(String key) {
        current = kept == null ? null : kept.computeIfAbsent(key, k -> new Kept());
    }

    /** Writes the current key's kept values now and forgets them. */
    private void writeCurrent(String key) throws Exception {
        if (current != null) {
            write(current);
            kept.remove(key);
            current = null;
        }
    }

    private MapState<Long, Long> level(int level) {
        return switch (level) {
            case HOURS -> perHour;
            case SECONDS -> perSecond;
            default -> perMs;
        };
    }

    private long[] summary() throws Exception {
        if (current == null) {
            return summary.value();
        }
        if (!current.summaryRead) {
            current.summary = summary.value();
            current.summaryRead = true;
        }
        return current.summary;
    }

    /** Writes a value, or clears the state for null. */
    private static <T> void set(ValueState<T> state, T value) throws Exception {
        if (value == null) {
            state.clear();
        } else {
            state.update(value);
        }
    }

    private void summary(long[] s) throws Exception {
        if (current == null) {
            set(summary, s);
        } else {
            current.summary = s;
            current.summaryRead = true;
            current.summaryChanged = true;
        }
    }

    private Long timer() throws Exception {
        if (current == null) {
            return timer.value();
        }
        if (!current.timerRead) {
            current.timer = timer.value();
            current.timerRead = true;
        }
        return current.timer;
    }

    private void timer(Long at) throws Exception {
        if (current == null) {
            set(timer, at);
        } else {
            current.timer = at;
            current.timerRead = true;
            current.timerChanged = true;
        }
    }

    /** A bucket's count: kept, else stored, else 0. */
    private long count(int level, long bucket) throws Exception {
        if (current != null) {
            Long c = current.counts.get(level).get(bucket);
            if (c != null) {
                return c;
            }
        }
        Long c = level(level).get(bucket);
        return c == null ? 0 : c;
    }

    private void count(int level, long bucket, long value) throws Exception {
        if (current == null) {
            if (value == 0) {
                level(level).remove(bucket);
            } else {
                level(level).put(bucket, value);
            }
        } else if (current.counts.get(level).put(bucket, value) == null) {
            current.size++;
        }
    }

    /** Whether a bucket has waits. */
    private boolean busy(int level, long bucket) throws Exception {
        if (current != null) {
            Long c = current.counts.get(level).get(bucket);
            if (c != null) {
                return c != 0;
            }
        }
        return level(level).contains(bucket);
    }

    @Override
    public void migrate(KeyedStateMigration migration) throws Exception {
        current = null; // written at once, key by key
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
        String key = ctx.getCurrentKey();
        handling(key);
        Long before = waits.get(u.conversationId);
        long[] s = summary();
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
        summary(s);
        if (timer() == null) {
            read(key, out);
            long at = ctx.timerService().currentProcessingTime() + intervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer(at);
        }
        if (current != null && current.size > MAX_KEPT_PER_KEY) {
            writeCurrent(key);
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
        add(HOURS, Math.floorDiv(since, HOUR_MS), 1);
        add(SECONDS, Math.floorDiv(since, SECOND_MS), 1);
        add(MILLISECONDS, since, 1);
        if (since < s[OLDEST]) {
            s[OLDEST] = since;
            s[EXACT] = 1;
        }
    }

    private void end(long since, long[] s) throws Exception {
        s[COUNT]--;
        add(HOURS, Math.floorDiv(since, HOUR_MS), -1);
        add(SECONDS, Math.floorDiv(since, SECOND_MS), -1);
        if (add(MILLISECONDS, since, -1) == 0 && since == s[OLDEST]) {
            s[EXACT] = 0; // every wait left starts later: the oldest start is now a lower bound
        }
    }

    /** Adds delta to the count of a bucket, removing it at zero; returns the new count. */
    private long add(int level, long bucket, long delta) throws Exception {
        long now = count(level, bucket) + delta;
        count(level, bucket, now);
        return now;
    }

    /**
     * The oldest start of a key with waits: exact, or found up from its lower bound (every wait
     * starts at or after it), the first busy hour, then second, then millisecond.
     */
    private long oldest(long[] s) throws Exception {
        if (s[EXACT] == 0) {
            long hour = Math.floorDiv(s[OLDEST], HOUR_MS);
            while (!busy(HOURS, hour)) {
                hour++;
            }
            long second = Math.max(Math.floorDiv(s[OLDEST], SECOND_MS), hour * (HOUR_MS / SECOND_MS));
            while (!busy(SECONDS, second)) {
                second++;
            }
            long ms = Math.max(s[OLDEST], second * SECOND_MS);
            while (!busy(MILLISECONDS, ms)) {
                ms++;
            }
            s[OLDEST] = ms;
            s[EXACT] = 1;
            summary(s);
        }
        return s[OLDEST];
    }

    /** Emits the current reading; returns how many conversations wait. */
    private long read(String key, Collector<QueueGauge> out) throws Exception {
        long[] s = summary();
        long count = s == null ? 0 : s[COUNT];
        String[] dims = key.split("\u001f", -1);
        long now = System.currentTimeMillis();
        out.collect(new QueueGauge(dims[0], dims[1], count, count == 0 ? 0 : Math.max(0, now - oldest(s)),
                Instant.ofEpochMilli(now)));
        return count;
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<QueueGauge> out) throws Exception {
        String key = ctx.getCurrentKey();
        handling(key);
        long count = read(key, out);
        if (count == 0) {
            // The maps are empty already: each wait's entry and bucket counts left as it ended
            // (kept zeros are removals, written now). Clearing them again would cost RocksDB a
            // scan over every deletion of the key.
            timer(null);
            summary(null);
            writeCurrent(key);
        } else {
            long at = t + intervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer(at);
        }
    }
}
