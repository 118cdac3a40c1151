package io.carekpi.flink;

import io.carekpi.config.EngineConfig;
import io.carekpi.config.WindowSpec;
import io.carekpi.kpi.Dimensions;
import io.carekpi.kpi.KpiFact;
import io.carekpi.schema.KpiSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The window stage, keyed by grouping ({@link WindowCell#key}): adds facts, summed per grouping
 * and cell by {@link PreAggregator}, to the tumbling windows of every configured size and emits
 * {@link KpiSnapshot} upserts with increasing revisions (across restores too, see below).
 *
 * <ul>
 *   <li>Early firing (live mode): a grouping's changed windows are emitted at most once per
 *       {@code earlyFiringInterval} of processing time, so wallboards move while a window is open.
 *       The first change after a quiet interval goes out at once (the leading edge); changes
 *       within the interval after an emission wait for its end and go out together. A quiet row
 *       so shows a change without waiting a whole interval, and a busy one still emits at most
 *       once per interval.</li>
 *   <li>When the watermark passes a window's end it is emitted with {@code isFinal=true}.</li>
 *   <li>A window is kept {@code kpiRetention} after its end so that later facts attributed to it
 *       (FCR verdicts, fcrWindow later) produce new revisions. Facts for a window already dropped
 *       go to {@link #LATE_FACTS}, counted, never silently lost. This retention is the main state
 *       cost of the job: see docs/operations.md.</li>
 * </ul>
 * In BATCH execution there is no early firing: each window is emitted once, final, revision 1.
 *
 * <p><b>Revisions never go backwards across restores</b> (live mode). A restored job counts
 * revisions on from its checkpoint's state, so with at-least-once Kafka sinks it would write the
 * numbers it had already written between that checkpoint and the crash again, with newer content,
 * and a consumer keeping the highest revision per key could keep the older record. So a live
 * revision is {@code max(stored revision + 1, floor)}, where the floor is the wall clock in
 * microseconds when this subtask opened (at every start and restore). Why that is enough:
 * <ul>
 *   <li>In one run a key's revisions increase by one per emission, starting at most at
 *       {@code max(restored revision + 1, floor)}.</li>
 *   <li>A window key is emitted at most once per early-firing tick ({@code earlyFiringInterval},
 *       at least 1 ms, else no early firing), once when it closes and once more when it is dropped
 *       with a pending revision: in a run of D ms, at most D + 2 times, so its revisions stay below
 *       {@code floor + D + 2}.</li>
 *   <li>The next run opens after this one ended (D ms after its start, plus the restart), so its
 *       floor is at least {@code floor + 1000 × (D + restart)}, higher than anything emitted before,
 *       and the restored state holds one of those earlier revisions, lower still. By induction no
 *       revision of a later run is lower than or equal to one of an earlier run.</li>
 * </ul>
 * The argument assumes the wall clocks of the TaskManagers before and after a restore do not
 * disagree by more than the earlier run lasted (NTP-synchronised clocks differ by milliseconds);
 * a clock set back by more can repeat revisions. Microseconds of 2026 (about 1.8e15) stay below
 * 2^53, so the revision is still exact as a JSON number read into a double. Replay (BATCH) has no
 * floor: its revisions and outputs are unchanged.
 */
public class WindowedKpiFunction extends KeyedProcessFunction<String, WindowCell, KpiSnapshot>
        implements MigratesKeyedState, WritesBehind {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<KpiFact> LATE_FACTS = new OutputTag<>("late-facts") {};

    private final List<WindowSpec> windows;
    private final long retentionMs;
    private final long earlyFiringMs;
    private final boolean live;

    /** The grouping's open windows, by {@link WindowKey#encode()} (the stored form savepoints hold). */
    private transient MapState<Long, WindowAccumulator> accumulators;
    /**
     * Live mode: the windows changed since the last early firing, by {@link WindowKey#encode()}, in
     * the order they changed (a small index, so early firing does not scan the windows; null: none).
     * One value, read and written whole: a window joins it when its accumulator turns dirty, and the
     * firing empties it. A window emitted in between by its close or expiry stays listed; the
     * firing skips it, its accumulator no longer dirty or gone. Until 2026-12-02 a map
     * ({@link #LEGACY_DIRTY}), one entry per window, written, iterated and deleted entry by entry:
     * on RocksDB the iteration at each early firing alone was 3 % of a profiled run. Not kept in
     * BATCH execution, which has no early firing.
     */
    private transient ValueState<long[]> dirty;
    /** The index of builds before 2026-12-02, converted at open ({@link #migrate}). */
    static final MapStateDescriptor<Long, Boolean> LEGACY_DIRTY =
            new MapStateDescriptor<>("dirty", Types.LONG, Types.BOOLEAN);
    private transient ValueState<Long> earlyTimer;
    /**
     * How many windows {@link #accumulators} holds, so that the last one's removal is known without
     * asking the map (on RocksDB, {@code isEmpty} seeks past every deleted window: 4 % of a
     * profiled run). Absent in state from builds before it: counted from the map once then.
     */
    private transient ValueState<Integer> windowCount;
    /** Live mode: until when (processing time) the grouping's next change waits: last emission + interval. */
    private transient ValueState<Long> quietUntil;
    private transient Counter lateFacts;
    /**
     * Live mode on a backend that serializes state at every access (RocksDB): the accumulators
     * changed since they were last written, by grouping key and window ({@link WritesBehind}). A
     * fact updates its accumulator here instead of reading and writing the stored one; the
     * accumulator is written when it is emitted (its early firing, within one
     * {@code earlyFiringInterval}, or its close) or before a checkpoint, whichever comes first. So
     * a busy row costs one read and one write per early firing instead of per fact, and the early
     * firing finds its accumulators here. Null: every change is written at once (the heap
     * backend, whose reads return the stored objects themselves, and BATCH execution).
     */
    private transient Map<String, Map<Long, WindowAccumulator>> unwritten;
    private transient int unwrittenCount;
    /** Live mode: the lowest revision this run emits (wall clock at open, µs); 0 in BATCH execution. */
    private transient long revisionFloor;

    /** @param earlyFiring false in BATCH execution, where processing time means nothing. */
    public WindowedKpiFunction(EngineConfig config, boolean earlyFiring) {
        if (config.windows.size() > WindowKey.MAX_SIZES) {
            throw new IllegalArgumentException("at most " + WindowKey.MAX_SIZES + " window sizes");
        }
        this.windows = new ArrayList<>(config.windows);
        this.retentionMs = config.kpiRetention.toMillis();
        this.earlyFiringMs = earlyFiring ? config.earlyFiringInterval.toMillis() : 0;
        this.live = earlyFiring;
    }

    @Override
    public void open(OpenContext ctx) {
        accumulators = getRuntimeContext().getMapState(new MapStateDescriptor<>("windows", Types.LONG,
                TypeInformation.of(WindowAccumulator.class)));
        dirty = getRuntimeContext().getState(new ValueStateDescriptor<>("dirtyWindows",
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        earlyTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("earlyTimer", Types.LONG));
        windowCount = getRuntimeContext().getState(new ValueStateDescriptor<>("windowCount", Types.INT));
        quietUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("quietUntil", Types.LONG));
        lateFacts = getRuntimeContext().getMetricGroup().counter("lateFacts");
        revisionFloor = live ? revisionFloor(
                ((StreamingRuntimeContext) getRuntimeContext()).getProcessingTimeService().getCurrentProcessingTime())
                : 0;
    }

    /**
     * A savepoint of an earlier build holds the changed windows as map entries: each key's become
     * its index, once (in window-key order: the order of emission within one firing is free).
     */
    @Override
    public void migrate(KeyedStateMigration migration) throws Exception {
        migration.forEachKey(LEGACY_DIRTY, legacy -> {
            long[] windows = KeyedStateMigration.sortedKeys(legacy);
            legacy.clear();
            if (earlyFiringMs > 0 && windows.length > 0) {
                dirty.update(windows);
            }
        });
    }

    /**
     * At most this many accumulators wait unwritten: a change beyond it is written at once. Far
     * above what one early-firing interval changes at the rates measured (bench/notes.md), and a
     * few megabytes of heap at most.
     */
    static final int MAX_UNWRITTEN = 20_000;

    @Override
    public void bufferWrites(boolean stateReadsAreCopies) {
        unwritten = stateReadsAreCopies && earlyFiringMs > 0 ? new HashMap<>() : null;
        unwrittenCount = 0;
    }

    @Override
    public <K> void flush(java.util.function.Consumer<K> setCurrentKey) throws Exception {
        if (unwritten == null || unwrittenCount == 0) {
            return;
        }
        for (Map.Entry<String, Map<Long, WindowAccumulator>> grouping : unwritten.entrySet()) {
            @SuppressWarnings("unchecked")
            K key = (K) grouping.getKey();
            setCurrentKey.accept(key);
            accumulators.putAll(grouping.getValue());
        }
        unwritten.clear();
        unwrittenCount = 0;
    }

    /** The accumulator of a window of the current grouping: unwritten, stored, or null. */
    private WindowAccumulator load(String key, long stored) throws Exception {
        if (unwritten != null && unwrittenCount > 0) {
            Map<Long, WindowAccumulator> grouping = unwritten.get(key);
            WindowAccumulator acc = grouping == null ? null : grouping.get(stored);
            if (acc != null) {
                return acc;
            }
        }
        return accumulators.get(stored);
    }

    /** Keeps a changed accumulator for writing later, or writes it now. */
    private void changed(String key, long stored, WindowAccumulator acc) throws Exception {
        if (unwritten != null && unwrittenCount < MAX_UNWRITTEN) {
            if (unwritten.computeIfAbsent(key, k -> new HashMap<>()).put(stored, acc) == null) {
                unwrittenCount++;
            }
        } else {
            accumulators.put(stored, acc);
        }
    }

    /** Forgets the unwritten form of a window of the current grouping, once written or removed. */
    private void written(String key, long stored) {
        if (unwritten != null && unwrittenCount > 0) {
            Map<Long, WindowAccumulator> grouping = unwritten.get(key);
            if (grouping != null && grouping.remove(stored) != null) {
                unwrittenCount--;
                if (grouping.isEmpty()) {
                    unwritten.remove(key);
                }
            }
        }
    }

    /** The floor of a run's revisions opened at {@code wallClockMs}: microseconds (class comment). */
    static long revisionFloor(long wallClockMs) {
        return Math.multiplyExact(Math.max(0, wallClockMs), 1000L);
    }

    @Override
    public void processElement(WindowCell cell, Context ctx, Collector<KpiSnapshot> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        String key = ctx.getCurrentKey();
        boolean changed = false;
        long[] turnedDirty = null;
        for (int i = 0; i < windows.size(); i++) {
            WindowSpec w = windows.get(i);
            WindowKey window = new WindowKey(i, cell.windowStarts[i]);
            long last = w.endOf(window.start()) - 1;
            if (last + retentionMs <= watermark) {
                if (cell.lateFact == null) {
                    // PreAggregator sums only facts in time under the watermark it last forwarded,
                    // and this stage's watermark never exceeds that one.
                    throw new IllegalStateException("summed facts for " + w.label + " window " + window.start()
                            + " of " + WindowCell.key(cell) + " arrived after the watermark " + watermark
                            + " dropped it");
                }
                lateFacts.inc();
                ctx.output(LATE_FACTS, cell.lateFact);
                continue;
            }
            long stored = window.encode();
            WindowAccumulator acc = load(key, stored);
            if (acc == null) {
                acc = new WindowAccumulator();
                acc.channel = cell.channel;
                acc.agent = cell.agent;
                acc.queue = cell.queue;
                ctx.timerService().registerEventTimeTimer(last);
                ctx.timerService().registerEventTimeTimer(last + retentionMs);
                windowCount.update(windows() + 1);
            }
            acc.counters.merge(cell.counters);
            if (!acc.dirty) {
                acc.dirty = true;
                if (earlyFiringMs > 0) {
                    turnedDirty = append(turnedDirty == null ? index() : turnedDirty, stored);
                }
            }
            changed(key, stored, acc);
            changed = true;
        }
        if (turnedDirty != null) {
            dirty.update(turnedDirty);
        }
        if (changed && earlyFiringMs > 0 && earlyTimer.value() == null) {
            long now = ctx.timerService().currentProcessingTime();
            Long quiet = quietUntil.value();
            if (quiet == null || now >= quiet) {
                emitChanged(key, out);
                quietUntil.update(now + earlyFiringMs);
            } else {
                ctx.timerService().registerProcessingTimeTimer(quiet);
                earlyTimer.update(quiet);
            }
        }
    }

    /** Early firing: emits every window changed since its last emission. */
    private void emitChanged(String key, Collector<KpiSnapshot> out) throws Exception {
        long[] changed = dirty.value();
        if (changed == null) {
            return;
        }
        dirty.clear();
        for (long stored : changed) {
            WindowAccumulator acc = load(key, stored);
            if (acc != null && acc.dirty) {
                emit(key, WindowKey.decode(stored), acc, out);
            }
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<KpiSnapshot> out) throws Exception {
        String key = ctx.getCurrentKey();
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            earlyTimer.clear();
            emitChanged(key, out);
            quietUntil.update(t + earlyFiringMs);
            return;
        }
        for (int i = 0; i < windows.size(); i++) {
            WindowSpec w = windows.get(i);
            long start = w.startOf(t);
            if (w.endOf(start) - 1 == t) {
                WindowKey ended = new WindowKey(i, start);
                WindowAccumulator acc = load(key, ended.encode());
                if (acc != null) {
                    acc.closed = true;
                    emit(key, ended, acc, out);
                }
            }
            long expiredStart = w.startOf(t - retentionMs);
            if (w.endOf(expiredStart) - 1 + retentionMs == t) {
                WindowKey expired = new WindowKey(i, expiredStart);
                WindowAccumulator acc = load(key, expired.encode());
                if (acc != null && acc.dirty) {
                    // A revision still waiting for the early-firing timer (always the case at the
                    // end of a bounded input, where processing-time timers no longer fire).
                    emit(key, expired, acc, out);
                }
                if (acc != null) {
                    int left = windows() - 1;
                    written(key, expired.encode());
                    accumulators.remove(expired.encode());
                    if (left > 0) {
                        windowCount.update(left);
                    } else {
                        windowCount.clear();
                        dirty.clear();
                        Long early = earlyTimer.value();
                        if (early != null) {
                            ctx.timerService().deleteProcessingTimeTimer(early);
                            earlyTimer.clear();
                        }
                        quietUntil.clear();
                    }
                }
            }
        }
    }

    /** The changed windows not yet emitted (live mode), empty for none. */
    private long[] index() throws Exception {
        long[] windows = dirty.value();
        return windows == null ? new long[0] : windows;
    }

    private static long[] append(long[] windows, long window) {
        long[] grown = Arrays.copyOf(windows, windows.length + 1);
        grown[windows.length] = window;
        return grown;
    }

    /** The windows {@link #accumulators} holds (counted once for state of earlier builds). */
    private int windows() throws Exception {
        Integer n = windowCount.value();
        if (n == null) {
            int counted = 0;
            for (Long ignored : accumulators.keys()) {
                counted++;
            }
            return counted;
        }
        return n;
    }

    private void emit(String key, WindowKey window, WindowAccumulator acc, Collector<KpiSnapshot> out)
            throws Exception {
        WindowSpec w = windows.get(window.sizeIndex());
        long start = window.start();
        acc.revision = Math.max(acc.revision + 1, revisionFloor);
        acc.dirty = false;
        accumulators.put(window.encode(), acc);
        written(key, window.encode());
        out.collect(acc.counters.toSnapshot(w.label, start, w.endOf(start), Dimensions.label(acc.channel),
                Dimensions.label(acc.agent), Dimensions.label(acc.queue), acc.revision, acc.closed));
    }
}
