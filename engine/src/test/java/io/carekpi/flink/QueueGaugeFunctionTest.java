package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.kpi.Dimensions;
import io.carekpi.kpi.WaitUpdate;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.schema.QueueGauge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class QueueGaugeFunctionTest {
    /** The gauge stage keyed as the topology keys it, refreshing every 2 s, opened at processing time 0. */
    private static KeyedOneInputStreamOperatorTestHarness<String, WaitUpdate, QueueGauge> openHarness()
            throws Exception {
        return openHarness(new HashMapStateBackend());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, WaitUpdate, QueueGauge> openHarness(
            StateBackend backend) throws Exception {
        return openHarness(backend, 0, null);
    }

    /** The gauge stage opened at processing time {@code now}, restored from {@code checkpoint} unless null. */
    private static KeyedOneInputStreamOperatorTestHarness<String, WaitUpdate, QueueGauge> openHarness(
            StateBackend backend, long now, OperatorSubtaskState checkpoint) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<String, WaitUpdate, QueueGauge>(
                new MigratingKeyedProcessOperator<>(new QueueGaugeFunction(2000)),
                u -> QueueGaugeFunction.key(u.channel, u.queue), Types.STRING);
        harness.setStateBackend(backend);
        harness.setProcessingTime(now);
        if (checkpoint != null) {
            harness.initializeState(checkpoint);
        }
        harness.open();
        return harness;
    }

    @Test
    void shouldReportWaitingConversationsEveryIntervalAndAFinalZero() throws Exception {
        try (var harness = openHarness()) {
            long since = System.currentTimeMillis() - 60_000;
            harness.processElement(new StreamRecord<>(new WaitUpdate("c1", "SMS", "billing", since)));
            harness.processElement(new StreamRecord<>(new WaitUpdate("c2", "SMS", "billing", since + 30_000)));
            assertThat(harness.extractOutputValues()).as("a quiet key reports its first change at once")
                    .extracting(QueueGauge::getWaiting).containsExactly(1L);
            harness.setProcessingTime(2000);
            assertThat(harness.extractOutputValues()).hasSize(2).last().satisfies(g -> {
                assertThat(g.getChannel()).isEqualTo("SMS");
                assertThat(g.getQueue()).isEqualTo("billing");
                assertThat(g.getWaiting()).isEqualTo(2);
                assertThat(g.getOldestWaitMs()).isBetween(60_000L, 70_000L);
            });
            harness.processElement(new StreamRecord<>(new WaitUpdate("c1", "SMS", "billing", Conversation.NONE)));
            harness.processElement(new StreamRecord<>(new WaitUpdate("c2", "SMS", "billing", Conversation.NONE)));
            harness.setProcessingTime(4000);
            assertThat(harness.extractOutputValues()).extracting(QueueGauge::getWaiting).containsExactly(1L, 2L, 0L);
            harness.setProcessingTime(10_000);
            assertThat(harness.extractOutputValues()).as("quiet once nothing waits").hasSize(3);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numProcessingTimeTimers()).isZero();
        }
    }

    /**
     * The {@code waits} fan-out and the gauge stage as the live topology wires them: every wait
     * counts in its channel and queue, its channel, and all channels ({@code all}/{@code all}, as
     * the KPIs name the all-channel grouping), so the wallboard's {@code all} row has a reading.
     */
    @Test
    void shouldReportTheAllChannelGaugeAcrossEveryChannelAndQueue() throws Exception {
        try (var harness = openHarness()) {
            long now = System.currentTimeMillis();
            WaitGroupings waits = new WaitGroupings(true);
            for (WaitUpdate u : List.of(new WaitUpdate("c1", "SMS", "billing", now - 90_000),
                    new WaitUpdate("c2", "VOICE", null, now - 10_000),
                    new WaitUpdate("c3", "VOICE", "sales", now - 5_000),
                    new WaitUpdate("c3", "VOICE", "sales", Conversation.NONE))) {
                List<WaitUpdate> fanned = new ArrayList<>();
                waits.flatMap(u, new ListCollector<>(fanned));
                for (WaitUpdate f : fanned) {
                    harness.processElement(new StreamRecord<>(f));
                }
            }
            harness.setProcessingTime(2000);
            Map<String, QueueGauge> latest = new TreeMap<>();
            harness.extractOutputValues().forEach(g -> latest.put(g.getChannel() + "/" + g.getQueue(), g));
            assertThat(latest).containsOnlyKeys("all/all", "SMS/all", "SMS/billing", "VOICE/all", "VOICE/sales");
            QueueGauge all = latest.get(Dimensions.ALL + "/" + Dimensions.ALL);
            assertThat(all.getWaiting()).as("c1 and c2 wait; c3 no longer").isEqualTo(2);
            assertThat(all.getOldestWaitMs()).as("the oldest wait of every channel").isBetween(90_000L, 100_000L);
            assertThat(latest.get("VOICE/all").getWaiting()).isEqualTo(1);
            assertThat(latest.get("VOICE/sales").getWaiting()).isZero();
        }
    }

    static Stream<StateBackend> backends() {
        return Stream.of(new HashMapStateBackend(), new EmbeddedRocksDBStateBackend());
    }

    /**
     * Waits starting and ending in any order, many in one second and one millisecond, over three
     * days, on either backend: every reading has the count and the oldest start of a plain model of
     * the waiting set, to the millisecond (oldest start = reading time - age), also after the oldest
     * ends; and when the last wait ends nothing of the key is left (its waits and bucket counts go
     * as each wait ends; the reading of zero clears only the summary and the timer). Between any
     * two steps the subtask may be checkpointed and restored into a new one: on RocksDB the counts
     * kept unwritten ({@link WritesBehind}) must be in the checkpoint.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void shouldKeepTheExactOldestWaitAsWaitsStartAndEndInAnyOrder(StateBackend backend) throws Exception {
        var harness = openHarness(backend);
        try {
            Random random = new Random(18);
            int restores = 0;
            long base = System.currentTimeMillis() - 3 * 86_400_000L;
            Map<String, Long> model = new TreeMap<>();
            long time = 0;
            int readings = 0;
            for (int step = 0; step < 4000; step++) {
                String id = "c" + random.nextInt(300);
                long since = switch (random.nextInt(4)) {
                    case 0 -> base + random.nextInt(3);                        // the same few milliseconds
                    case 1 -> base + 5_000 + random.nextInt(1000);              // one second
                    case 2 -> base + random.nextInt(3 * 86_400_000);            // three days
                    default -> Conversation.NONE;                               // the wait ends
                };
                if (random.nextInt(3) == 0 && !model.isEmpty()) {
                    // end the oldest wait: the case that needs a search
                    id = model.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
                    since = Conversation.NONE;
                }
                harness.processElement(new StreamRecord<>(new WaitUpdate(id, "EMAIL", "backlog", since)));
                if (random.nextInt(100) == 0) {
                    OperatorSubtaskState checkpoint = harness.snapshot(step, time);
                    harness.close();
                    harness = openHarness(backend, time, checkpoint);
                    restores++;
                }
                if (since == Conversation.NONE) {
                    model.remove(id);
                } else {
                    model.put(id, since);
                }
                if (step % 7 == 0) {
                    time += 2000;
                    harness.setProcessingTime(time);
                    List<QueueGauge> out = harness.extractOutputValues();
                    QueueGauge last = out.get(out.size() - 1);
                    readings++;
                    assertThat(last.getWaiting()).as("waiting at step %d", step).isEqualTo(model.size());
                    if (!model.isEmpty()) {
                        long oldest = model.values().stream().mapToLong(Long::longValue).min().orElseThrow();
                        assertThat(last.getAsOf().toEpochMilli() - last.getOldestWaitMs())
                                .as("oldest start at step %d", step).isEqualTo(oldest);
                    }
                }
            }
            assertThat(readings).isGreaterThan(500);
            assertThat(restores).isGreaterThan(20);
            for (String id : model.keySet()) {
                harness.processElement(new StreamRecord<>(new WaitUpdate(id, "EMAIL", "backlog", Conversation.NONE)));
            }
            harness.setProcessingTime(time + 2000);
            List<QueueGauge> out = harness.extractOutputValues();
            assertThat(out.get(out.size() - 1).getWaiting()).isZero();
            // Each of the stage's states by name: on RocksDB the backend's entry count also counts
            // its timer column family, which after restores in this harness can hold a timer the
            // timer service no longer reports (bench/notes.md, 2026-12-02 evening).
            for (String state : List.of("waits", "waitSummary", "waitsPerHour", "waitsPerSecond", "waitsPerMs",
                    "refreshTimer")) {
                assertThat(KeyedStates.keysUnder(harness, state)).as("%s left once nothing waits", state).isEmpty();
            }
            assertThat(harness.numProcessingTimeTimers()).isZero();
        } finally {
            harness.close();
        }
    }

    /** The earlier build's state: the waits alone, under the same name. */
    static final class EarlierGauges extends KeyedProcessFunction<String, WaitUpdate, QueueGauge> {
        private transient MapState<String, Long> waits;

        @Override
        public void open(OpenContext ctx) {
            waits = getRuntimeContext().getMapState(new MapStateDescriptor<>("waits", Types.STRING, Types.LONG));
        }

        @Override
        public void processElement(WaitUpdate u, Context ctx, Collector<QueueGauge> out) throws Exception {
            waits.put(u.conversationId, u.since);
        }
    }

    @Test
    void shouldCountTheWaitsOfAnEarlierBuildsSavepoint() throws Exception {
        long now = System.currentTimeMillis();
        OperatorSubtaskState earlier;
        try (var old = new KeyedOneInputStreamOperatorTestHarness<String, WaitUpdate, QueueGauge>(
                new KeyedProcessOperator<>(new EarlierGauges()), u -> QueueGaugeFunction.key(u.channel, u.queue),
                Types.STRING)) {
            old.open();
            old.processElement(new StreamRecord<>(new WaitUpdate("c1", "SMS", "billing", now - 50_000)));
            old.processElement(new StreamRecord<>(new WaitUpdate("c2", "SMS", "billing", now - 80_000)));
            old.processElement(new StreamRecord<>(new WaitUpdate("c3", "SMS", "billing", now - 20_000)));
            earlier = old.snapshot(1L, 1L);
        }
        var harness = new KeyedOneInputStreamOperatorTestHarness<String, WaitUpdate, QueueGauge>(
                new MigratingKeyedProcessOperator<>(new QueueGaugeFunction(2000)),
                u -> QueueGaugeFunction.key(u.channel, u.queue), Types.STRING);
        try (harness) {
            harness.setProcessingTime(0);
            harness.initializeState(earlier);
            harness.open();
            harness.processElement(new StreamRecord<>(new WaitUpdate("c2", "SMS", "billing", Conversation.NONE)));
            QueueGauge g = harness.extractOutputValues().get(0);
            assertThat(g.getWaiting()).as("c1 and c3 of the savepoint wait").isEqualTo(2);
            assertThat(g.getAsOf().toEpochMilli() - g.getOldestWaitMs()).as("c1 is the oldest").isEqualTo(now - 50_000);
        }
    }

    @Test
    void shouldFanNoWaitOutInReplay() throws Exception {
        List<WaitUpdate> fanned = new ArrayList<>();
        new WaitGroupings(false).flatMap(new WaitUpdate("c1", "SMS", "billing", 1L), new ListCollector<>(fanned));
        assertThat(fanned).isEmpty();
    }
}
