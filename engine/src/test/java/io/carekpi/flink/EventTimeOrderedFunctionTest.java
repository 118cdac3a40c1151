package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ordering base itself, with a scripted subclass: each element is (instant, the key's next
 * deadline after it); a deadline fires as "d@instant" and leaves none.
 */
class EventTimeOrderedFunctionTest {
    private KeyedOneInputStreamOperatorTestHarness<String, Tuple2<Long, Long>, String> harness;

    /** Elements (instant, next deadline); emits "e@instant" per element and "d@instant" per deadline. */
    static final class Scripted extends EventTimeOrderedFunction<Tuple2<Long, Long>, String> {
        @Override
        protected TypeInformation<Tuple2<Long, Long>> elementType() {
            return Types.TUPLE(Types.LONG, Types.LONG);
        }

        @Override
        protected long timeOf(Tuple2<Long, Long> e) {
            return e.f0;
        }

        @Override
        protected Comparator<Tuple2<Long, Long>> tieOrder() {
            return Comparator.comparingLong(e -> e.f1);
        }

        @Override
        protected long fire(long t, List<Tuple2<Long, Long>> elements, OnTimerContext ctx, Collector<String> out) {
            if (elements.isEmpty()) {
                out.collect("d@" + t);
                return Long.MAX_VALUE;
            }
            elements.forEach(e -> out.collect("e@" + e.f0));
            return elements.get(elements.size() - 1).f1;
        }

        @Override
        protected void late(Tuple2<Long, Long> e, Context ctx, Collector<String> out) {
            out.collect("late@" + e.f0);
        }
    }

    /** Buffers as builds before the list of instants did: one timer per instant, no list. */
    static final class Legacy extends KeyedProcessFunction<String, Tuple2<Long, Long>, String> {
        @Override
        public void processElement(Tuple2<Long, Long> e, Context ctx, Collector<String> out) throws Exception {
            MapState<Long, List<Tuple2<Long, Long>>> buffer = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                    "buffer", Types.LONG, Types.LIST(Types.TUPLE(Types.LONG, Types.LONG))));
            List<Tuple2<Long, Long>> at = buffer.get(e.f0);
            if (at == null) {
                at = new ArrayList<>();
                ctx.timerService().registerEventTimeTimer(e.f0);
            }
            at.add(e);
            buffer.put(e.f0, at);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Scripted()),
                e -> "key", Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(long at, long nextDeadline) throws Exception {
        harness.processElement(new StreamRecord<>(Tuple2.of(at, nextDeadline), at));
    }

    @Test
    void elementsBufferedByABuildWithATimerPerInstantRunInOrderWithNewOnesAfterARestore() throws Exception {
        OperatorSubtaskState legacy;
        try (var old = new KeyedOneInputStreamOperatorTestHarness<String, Tuple2<Long, Long>, String>(
                new KeyedProcessOperator<>(new Legacy()), e -> "key", Types.STRING)) {
            old.open();
            old.processElement(new StreamRecord<>(Tuple2.of(100L, Long.MAX_VALUE), 100));
            old.processElement(new StreamRecord<>(Tuple2.of(300L, Long.MAX_VALUE), 300));
            legacy = old.snapshot(1L, 1L);
        }
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new MigratingKeyedProcessOperator<>(new Scripted()),
                e -> "key", Types.STRING);
        harness.initializeState(legacy);
        harness.open();
        send(400, Long.MAX_VALUE);
        send(200, Long.MAX_VALUE);
        harness.processWatermark(1_000);
        assertThat(harness.extractOutputValues()).containsExactly("e@100", "e@200", "e@300", "e@400");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anElementBufferedAtTheInstantOfADeadlineThatMovesIsStillEvaluated() throws Exception {
        send(100, 200);
        harness.processWatermark(100); // deadline 200
        send(200, Long.MAX_VALUE);     // waits at the deadline's instant
        send(150, 300);                // moves the deadline to 300
        harness.processWatermark(250);
        assertThat(harness.extractOutputValues()).containsExactly("e@100", "e@150", "e@200");
        harness.processWatermark(400);
        assertThat(harness.extractOutputValues()).as("the element at 200 left no deadline")
                .containsExactly("e@100", "e@150", "e@200");
    }

    @Test
    void elementsAndDeadlinesFireInInstantOrderWhenOneWatermarkPassesThemAll() throws Exception {
        send(100, 150);
        harness.processWatermark(100);
        send(300, 350);
        send(200, Long.MAX_VALUE);
        send(160, 250);
        harness.processWatermark(1_000);
        assertThat(harness.extractOutputValues())
                .containsExactly("e@100", "d@150", "e@160", "e@200", "e@300", "d@350");
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void oneTimerWaitsForAKeysBufferedElementsHoweverManyInstantsTheyHold() throws Exception {
        for (long t = 100; t < 200; t += 10) {
            send(t, Long.MAX_VALUE);
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(145);
        assertThat(harness.extractOutputValues()).containsExactly("e@100", "e@110", "e@120", "e@130", "e@140");
        assertThat(harness.numEventTimeTimers()).as("the next buffered instant").isEqualTo(1);
        harness.processWatermark(1_000);
        assertThat(harness.extractOutputValues()).hasSize(10);
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
