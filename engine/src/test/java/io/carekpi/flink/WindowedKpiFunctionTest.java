package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;
import io.carekpi.schema.KpiSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WindowedKpiFunctionTest {
    private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;
    private EngineConfig config;
    private KeyedOneInputStreamOperatorTestHarness<String, WindowCell, KpiSnapshot> harness;

    @BeforeEach
    void setUp() throws Exception {
        EngineConfig.Builder b = EngineConfig.builder();
        b.windows = List.of(Duration.ofMinutes(1), Duration.ofHours(1));
        b.fcrWindow = Duration.ofHours(1);
        b.earlyFiringInterval = Duration.ofSeconds(2);
        config = b.build();
        harness = harness(true);
        harness.setProcessingTime(0);
        harness.open();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, WindowCell, KpiSnapshot> harness(boolean live)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new MigratingKeyedProcessOperator<>(new WindowedKpiFunction(config, live)), WindowCell::key, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private long[] windowStarts(long at) {
        return config.windows.stream().mapToLong(w -> w.startOf(at)).toArray();
    }

    /** A fact in time, as PreAggregator sends it: a cell of its own sum. */
    private void fact(long at, FactKind kind, long value) throws Exception {
        KpiCounters sum = new KpiCounters();
        sum.apply(KpiFact.of(at, "VOICE", null, null, kind, value));
        harness.processElement(new StreamRecord<>(WindowCell.summed("VOICE", null, null, windowStarts(at), sum), at));
    }

    /** A fact PreAggregator found too late for the window of some size. */
    private void lateFact(long at, FactKind kind) throws Exception {
        KpiFact f = KpiFact.of(at, "VOICE", null, null, kind);
        harness.processElement(new StreamRecord<>(WindowCell.ofLateFact(f, windowStarts(at)), at));
    }

    private List<KpiSnapshot> minuteSnapshots() {
        return harness.extractOutputValues().stream().filter(s -> s.getWindow().equals("1m")).toList();
    }

    @Test
    void shouldEmitEarlyRevisionsAtMostOncePerIntervalWhileTheWindowChanges() throws Exception {
        fact(T0 + 1000, FactKind.OPENED, 0);
        assertThat(minuteSnapshots()).as("the first change of a quiet row goes out at once").singleElement()
                .satisfies(s -> {
                    assertThat(s.getOpened()).isEqualTo(1);
                    assertThat(s.getRevision()).isEqualTo(1);
                    assertThat(s.getIsFinal()).isFalse();
                });
        fact(T0 + 1500, FactKind.OPENED, 0);
        harness.setProcessingTime(1999);
        assertThat(minuteSnapshots()).as("a change within the interval waits for its end").hasSize(1);
        harness.setProcessingTime(2000);
        assertThat(minuteSnapshots()).extracting(KpiSnapshot::getOpened).containsExactly(1L, 2L);
        harness.setProcessingTime(4000);
        assertThat(minuteSnapshots()).as("nothing changed: no new revision").hasSize(2);
        harness.setProcessingTime(5000);
        fact(T0 + 2000, FactKind.OPENED, 0);
        assertThat(minuteSnapshots()).as("quiet since the last emission: at once again")
                .extracting(KpiSnapshot::getRevision).containsExactly(1L, 2L, 3L);
        assertThat(minuteSnapshots().get(2).getOpened()).isEqualTo(3);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void shouldEmitAFinalRevisionWhenTheWatermarkPassesTheWindowEnd() throws Exception {
        fact(T0 + 1000, FactKind.FIRST_RESPONSE, 30_000);
        harness.processWatermark(T0 + MIN - 1);
        assertThat(minuteSnapshots()).extracting(KpiSnapshot::getIsFinal).containsExactly(false, true);
        assertThat(minuteSnapshots()).last().satisfies(s -> {
            assertThat(s.getIsFinal()).isTrue();
            assertThat(s.getAvgFrtMs()).isEqualTo(30_000.0);
            assertThat(s.getFrtP90Ms()).isEqualTo(30_000L);
            assertThat(s.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0));
            assertThat(s.getChannel()).isEqualTo("VOICE");
            assertThat(s.getAgent()).isEqualTo("all");
        });
    }

    @Test
    void shouldReviseAClosedWindowWhenAFactForItArrivesWithinRetention() throws Exception {
        fact(T0 + 1000, FactKind.FCR_CANDIDATE, 0);
        harness.processWatermark(T0 + 30 * MIN);
        fact(T0 + 1000, FactKind.FCR_CONFIRMED, 0); // a verdict, attributed to the resolution's minute
        harness.setProcessingTime(2000);
        List<KpiSnapshot> minute = minuteSnapshots();
        assertThat(minute).as("early, final, revised").extracting(KpiSnapshot::getRevision).containsExactly(1L, 2L, 3L);
        assertThat(minute.get(2).getFcrConfirmed()).isEqualTo(1);
        assertThat(minute.get(2).getIsFinal()).isTrue();
    }

    @Test
    void shouldEmitAPendingRevisionBeforeDroppingAWindowAtTheEndOfTheInput() throws Exception {
        fact(T0 + 1000, FactKind.FCR_CANDIDATE, 0);
        harness.processWatermark(T0 + 30 * MIN);
        fact(T0 + 1000, FactKind.FCR_CONFIRMED, 0); // no processing time passes before the input ends
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(minuteSnapshots()).as("early, final, pending").extracting(KpiSnapshot::getRevision)
                .containsExactly(1L, 2L, 3L);
        assertThat(minuteSnapshots().get(2).getFcrConfirmed()).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void shouldDropWindowsAfterRetentionAndSendLaterFactsToTheLateOutput() throws Exception {
        fact(T0 + 1000, FactKind.OPENED, 0);
        harness.setProcessingTime(2000);
        harness.processWatermark(T0 + Duration.ofHours(4).toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        lateFact(T0 + 1000, FactKind.FCR_LOST);
        assertThat(harness.getSideOutput(WindowedKpiFunction.LATE_FACTS)).as("for the 1m and the 1h window")
                .extracting(r -> r.getValue()).containsExactly(KpiFact.of(T0 + 1000, "VOICE", null, null,
                        FactKind.FCR_LOST), KpiFact.of(T0 + 1000, "VOICE", null, null, FactKind.FCR_LOST));
        assertThat(harness.numKeyedStateEntries()).as("no window is opened for it").isZero();
    }

    /** The grouping's state goes with its last window, not before: windows are counted, not looked up. */
    @Test
    void theGroupingsStateGoesWithItsLastWindowOnly() throws Exception {
        long retention = config.kpiRetention.toMillis();
        fact(T0 + 1000, FactKind.OPENED, 0);
        fact(T0 + 61 * MIN, FactKind.OPENED, 0); // the next hour: two 1m and two 1h windows in all
        harness.setProcessingTime(5000);
        // past the first hour's windows and their retention, not the second's
        harness.processWatermark(T0 + 60 * MIN + retention);
        assertThat(harness.numKeyedStateEntries()).as("the second hour's windows are kept").isPositive();
        fact(T0 + 62 * MIN, FactKind.OPENED, 0);
        harness.setProcessingTime(10_000);
        assertThat(minuteSnapshots()).as("early revisions go on for the windows kept")
                .anyMatch(k -> k.getWindowStart().toEpochMilli() == T0 + 62 * MIN);
        harness.processWatermark(T0 + 120 * MIN + retention);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aLateFactGoesToTheLateOutputForTheWindowsGoneAndIntoTheWindowsStillKept() throws Exception {
        fact(T0 + 1000, FactKind.FCR_CANDIDATE, 0);
        harness.processWatermark(T0 + MIN + config.kpiRetention.toMillis()); // the 1m window is gone, not the 1h
        lateFact(T0 + 1000, FactKind.FCR_CONFIRMED);
        assertThat(harness.getSideOutput(WindowedKpiFunction.LATE_FACTS)).as("for the 1m window").hasSize(1);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues()).filteredOn(s -> s.getWindow().equals("1h")).last()
                .satisfies(s -> {
                    assertThat(s.getFcrCandidates()).isEqualTo(1);
                    assertThat(s.getFcrConfirmed()).isEqualTo(1);
                });
        assertThat(minuteSnapshots()).last().satisfies(s -> assertThat(s.getFcrConfirmed()).isZero());
    }

    @Test
    void factsSummedInTimeThatArriveAfterTheirWindowIsGoneAreABug() throws Exception {
        harness.processWatermark(T0 + Duration.ofHours(4).toMillis());
        assertThatThrownBy(() -> fact(T0 + 1000, FactKind.OPENED, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("arrived after the watermark");
    }

    /**
     * A crash between two checkpoints: the revisions emitted after the checkpoint are written again
     * by the restored job (at-least-once sinks), counted from the checkpoint's state. A consumer
     * keeping the highest revision per key must end with the restored job's newer content, so every
     * revision after the restore is higher than every revision emitted before the crash.
     */
    @Test
    void revisionsAfterARestoreAreHigherThanEveryRevisionEmittedBeforeTheCrash() throws Exception {
        harness.setProcessingTime(1_000);
        fact(T0 + 1000, FactKind.OPENED, 0);
        harness.setProcessingTime(3_000);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 3_000);
        for (int i = 2; i <= 4; i++) { // three more revisions after the checkpoint, then the crash
            fact(T0 + i * 1000, FactKind.OPENED, 0);
            harness.setProcessingTime(i * 2_000 + 1_000);
        }
        long highestBeforeCrash = minuteSnapshots().stream().mapToLong(KpiSnapshot::getRevision).max().orElseThrow();
        assertThat(minuteSnapshots()).last().satisfies(s -> assertThat(s.getOpened()).isEqualTo(4));
        harness.close();

        harness = harness(true);
        harness.setProcessingTime(20_000); // the restore, after the crash
        harness.initializeState(checkpoint);
        harness.open();
        for (int i = 2; i <= 5; i++) { // the input after the checkpoint, read again at once, and one more
            fact(T0 + i * 1000, FactKind.OPENED, 0);
        }
        harness.setProcessingTime(22_000);
        harness.processWatermark(T0 + MIN - 1);
        List<KpiSnapshot> restored = minuteSnapshots();
        assertThat(restored).as("at once, at the end of the interval, final").extracting(KpiSnapshot::getOpened)
                .containsExactly(2L, 5L, 5L);
        assertThat(restored.get(0).getRevision()).as("above every revision before the crash")
                .isGreaterThan(highestBeforeCrash);
        assertThat(restored).extracting(KpiSnapshot::getRevision).as("and increasing").isSorted().doesNotHaveDuplicates();
        assertThat(restored.get(2).getIsFinal()).isTrue();
    }

    @Test
    void revisionsStillCountFromOneWithoutEarlyFiring() throws Exception { // BATCH execution: replay
        harness.close();
        harness = harness(false);
        harness.setProcessingTime(1_000_000);
        harness.open();
        fact(T0 + 1000, FactKind.OPENED, 0);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(minuteSnapshots()).extracting(KpiSnapshot::getRevision).containsExactly(1L);
    }

    /**
     * The window stage of builds before 2026-12-02 as far as its state goes: each cell's 1m window
     * left changed and not yet emitted, listed in the map index of changed windows.
     */
    static final class EarlierWindows extends KeyedProcessFunction<String, WindowCell, KpiSnapshot> {
        private transient MapState<Long, WindowAccumulator> accumulators;
        private transient MapState<Long, Boolean> dirty;

        @Override
        public void open(OpenContext ctx) {
            accumulators = getRuntimeContext().getMapState(new MapStateDescriptor<>("windows", Types.LONG,
                    TypeInformation.of(WindowAccumulator.class)));
            dirty = getRuntimeContext().getMapState(WindowedKpiFunction.LEGACY_DIRTY);
        }

        @Override
        public void processElement(WindowCell cell, Context ctx, Collector<KpiSnapshot> out) throws Exception {
            long stored = new WindowKey(0, cell.windowStarts[0]).encode();
            WindowAccumulator acc = new WindowAccumulator();
            acc.channel = cell.channel;
            acc.counters.merge(cell.counters);
            acc.revision = 3;
            acc.dirty = true;
            accumulators.put(stored, acc);
            dirty.put(stored, Boolean.TRUE);
        }
    }

    @Test
    void shouldEmitTheChangedWindowsOfAnEarlierBuildsSavepointAtTheNextEarlyFiring() throws Exception {
        OperatorSubtaskState earlier;
        KpiCounters sum = new KpiCounters();
        sum.apply(KpiFact.of(T0 + 1000, "VOICE", null, null, FactKind.OPENED, 0));
        try (var old = new KeyedOneInputStreamOperatorTestHarness<String, WindowCell, KpiSnapshot>(
                new KeyedProcessOperator<>(new EarlierWindows()), WindowCell::key, Types.STRING)) {
            old.open();
            old.processElement(new StreamRecord<>(WindowCell.summed("VOICE", null, null, windowStarts(T0 + 1000), sum),
                    T0 + 1000));
            earlier = old.snapshot(1L, 1L);
        }
        harness.close();
        harness = harness(true);
        harness.setProcessingTime(0);
        harness.initializeState(earlier);
        harness.open();
        fact(T0 + 2 * MIN + 1000, FactKind.OPENED, 0);
        assertThat(minuteSnapshots()).as("the savepoint's changed minute goes out with the new one")
                .extracting(KpiSnapshot::getWindowStart, KpiSnapshot::getOpened, KpiSnapshot::getRevision)
                .containsExactlyInAnyOrder(
                        tuple(Instant.ofEpochMilli(T0), 1L, 4L),
                        tuple(Instant.ofEpochMilli(T0 + 2 * MIN), 1L, 1L));
        harness.setProcessingTime(10_000);
        fact(T0 + 2 * MIN + 2000, FactKind.OPENED, 0);
        assertThat(minuteSnapshots()).as("emitted once: it left the index")
                .filteredOn(s -> s.getWindowStart().equals(Instant.ofEpochMilli(T0))).hasSize(1);
    }

    @Test
    void shouldEmitEachChangedWindowOnceWhetherItClosesOrFiresEarlyFirst() throws Exception {
        fact(T0 + 1000, FactKind.OPENED, 0);
        fact(T0 + 1500, FactKind.OPENED, 0); // within the interval: waits
        harness.processWatermark(T0 + MIN - 1); // the minute closes first, with the waiting change
        harness.setProcessingTime(2000); // the early firing finds it emitted
        assertThat(minuteSnapshots()).extracting(KpiSnapshot::getOpened, KpiSnapshot::getIsFinal)
                .containsExactly(tuple(1L, false),
                        tuple(2L, true));
        fact(T0 + MIN + 1000, FactKind.OPENED, 0);
        harness.setProcessingTime(4000);
        fact(T0 + MIN + 2000, FactKind.OPENED, 0);
        harness.setProcessingTime(6000);
        assertThat(minuteSnapshots()).as("the next minute: at once, then after the interval")
                .filteredOn(s -> s.getWindowStart().equals(Instant.ofEpochMilli(T0 + MIN)))
                .extracting(KpiSnapshot::getOpened).containsExactly(1L, 2L);
    }

    /**
     * On RocksDB the stage keeps changed accumulators unwritten until their emission or the next
     * checkpoint ({@link WritesBehind}); on the heap it writes at once. The same random input
     * (facts of three groupings, early firings, watermarks closing and dropping windows, and
     * checkpoints restored into a new subtask between any two steps) gives the same snapshots on
     * both, so nothing kept unwritten is lost or emitted differently.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2})
    void rocksDbKeepingChangesUnwrittenEmitsWhatTheHeapBackendEmits(long seed) throws Exception {
        EngineConfig.Builder b = EngineConfig.builder();
        b.windows = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5));
        b.fcrWindow = Duration.ofHours(1);
        b.earlyFiringInterval = Duration.ofMillis(200);
        b.kpiRetention = Duration.ofMinutes(2);
        EngineConfig random = b.build();
        List<KpiSnapshot> heap = randomRun(random, new org.apache.flink.runtime.state.hashmap.HashMapStateBackend(), seed);
        List<KpiSnapshot> rocks = randomRun(random, new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend(), seed);
        assertThat(heap).as("the run emits early, final and revised rows").hasSizeGreaterThan(100);
        assertThat(rocks).containsExactlyElementsOf(heap);
    }

    private static List<KpiSnapshot> randomRun(EngineConfig config, org.apache.flink.runtime.state.StateBackend backend,
            long seed) throws Exception {
        java.util.Random r = new java.util.Random(seed);
        List<KpiSnapshot> out = new java.util.ArrayList<>();
        String[] channels = {"VOICE", "CHAT", "EMAIL"};
        FactKind[] kinds = {FactKind.OPENED, FactKind.FIRST_RESPONSE, FactKind.RESOLVED};
        long now = 0;
        long watermark = T0;
        int restores = 0;
        var harness = randomHarness(config, backend, now, null);
        for (int step = 0; step < 1_500; step++) {
            int op = r.nextInt(100);
            if (op < 70) {
                long at = watermark + 1 + r.nextInt(90_000);
                String channel = channels[r.nextInt(channels.length)];
                KpiCounters sum = new KpiCounters();
                sum.apply(KpiFact.of(at, channel, null, null, kinds[r.nextInt(kinds.length)], r.nextInt(60_000)));
                long[] starts = config.windows.stream().mapToLong(w -> w.startOf(at)).toArray();
                harness.processElement(new StreamRecord<>(WindowCell.summed(channel, null, null, starts, sum), at));
            } else if (op < 88) {
                now += r.nextInt(300);
                harness.setProcessingTime(now);
            } else if (op < 98) {
                watermark += r.nextInt(20_000);
                harness.processWatermark(watermark);
            } else {
                OperatorSubtaskState checkpoint = harness.snapshot(step, now);
                out.addAll(harness.extractOutputValues());
                harness.close();
                now += 1_000;
                harness = randomHarness(config, backend, now, checkpoint);
                restores++;
            }
        }
        harness.processWatermark(Long.MAX_VALUE);
        out.addAll(harness.extractOutputValues());
        harness.close();
        assertThat(restores).as("restores in the run").isGreaterThan(10);
        // Timers due at the same instant fire in key order on one backend, in another on the other.
        out.sort(java.util.Comparator.comparing((KpiSnapshot s) -> s.getWindow() + s.getChannel())
                .thenComparing(KpiSnapshot::getWindowStart).thenComparingLong(KpiSnapshot::getRevision));
        return out;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, WindowCell, KpiSnapshot> randomHarness(
            EngineConfig config, org.apache.flink.runtime.state.StateBackend backend, long now,
            OperatorSubtaskState restore) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new MigratingKeyedProcessOperator<>(new WindowedKpiFunction(config, true)), WindowCell::key, Types.STRING);
        harness.setStateBackend(backend);
        harness.setProcessingTime(now);
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }
}
