package io.carekpi.flink;

import static io.carekpi.schema.Channel.SMS;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.events.DecodedEvent;
import io.carekpi.schema.InteractionEvent;
import java.util.List;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The ids the dedup stage of earlier builds kept, restored from their savepoints. */
class EarlierBuildIdsTest {
    private static final long RETENTION = EngineConfig.defaults().conversationRetention.toMillis();
    private static final List<InteractionEvent> EVENTS = conversation("c1", SMS).customer("u1")
            .at(0).opened().at(5).customerMessage().events();
    private static final InteractionEvent OPENED = EVENTS.get(0);
    private static final InteractionEvent MESSAGE = EVENTS.get(1);
    private static final long T = OPENED.getOccurredAt().toEpochMilli();

    private static KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, DecodedEvent> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new MigratingKeyedProcessOperator<>(new EarlierBuildIds()), DecodedEvent::conversationId, Types.STRING);
    }

    private static OperatorSubtaskState written(KeyedProcessFunction<String, DecodedEvent, DecodedEvent> writer)
            throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(writer), DecodedEvent::conversationId, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 1), T));
            return h.snapshot(1L, 1L);
        }
    }

    @Test
    void withoutIdsFromAnEarlierBuildEveryEventPassesAndNoStateIsKept() throws Exception {
        try (var harness = harness()) {
            harness.open();
            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 1), T));
            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 2), T));
            assertThat(harness.extractOutputValues()).as("repeats are the conversation stage's to drop")
                    .extracting(DecodedEvent::seq).containsExactly(1L, 2L);
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void idsSeenBeforeAnUpgradeFromTheV1StateLayoutAreStillDuplicatesAfterIt() throws Exception {
        try (var harness = harness()) {
            harness.initializeState(written(new WritesV1State()));
            harness.open();
            assertThat(harness.numKeyedStateEntries()).as("v1 state moved, none left under its old name").isEqualTo(1);

            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 2), T));
            harness.processElement(new StreamRecord<>(new DecodedEvent(MESSAGE, 3), T + 5_000));
            assertThat(harness.extractOutputValues()).as("a repeat of an id the v1 build had seen is dropped")
                    .extracting(DecodedEvent::seq).containsExactly(3L);
        }
    }

    @Test
    void idsSeenBeforeAnUpgradeFromTheV2StateLayoutAreStillDuplicatesUntilTheirTime() throws Exception {
        try (var harness = harness()) {
            harness.initializeState(written(new WritesV2State()));
            harness.open();

            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 2), T));
            harness.processElement(new StreamRecord<>(new DecodedEvent(MESSAGE, 3), T + 5_000));
            assertThat(harness.extractOutputValues()).extracting(DecodedEvent::seq).containsExactly(3L);
            assertThat(harness.numKeyedStateEntries()).as("learns no new ids").isEqualTo(2);

            harness.processWatermark(T + RETENTION);
            assertThat(harness.numKeyedStateEntries()).as("forgotten at their time").isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 4), T + RETENTION + 1));
            assertThat(harness.extractOutputValues()).extracting(DecodedEvent::seq).containsExactly(3L, 4L);
        }
    }

    /** What the v1 dedup stage kept for an event: its id's hash in {@code flink.SeenEvents} under "seen". */
    @SuppressWarnings("deprecation")
    private static final class WritesV1State extends KeyedProcessFunction<String, DecodedEvent, DecodedEvent> {
        @Override
        public void processElement(DecodedEvent e, Context ctx, Collector<DecodedEvent> out) throws Exception {
            SeenEvents v1 = new SeenEvents();
            v1.hashes = new long[] {io.carekpi.kpi.SeenEvents.hash(e.event().getEventId()), 0, 0, 0};
            v1.until = new long[] {e.time() + RETENTION, 0, 0, 0};
            v1.size = 1;
            getRuntimeContext().getState(new ValueStateDescriptor<>("seen", SeenEvents.class)).update(v1);
        }
    }

    /** What the v2 dedup stage (0.2) kept: {@code kpi.SeenEvents} under "seenEvents", a timer and "forgetTimer". */
    private static final class WritesV2State extends KeyedProcessFunction<String, DecodedEvent, DecodedEvent> {
        @Override
        public void processElement(DecodedEvent e, Context ctx, Collector<DecodedEvent> out) throws Exception {
            io.carekpi.kpi.SeenEvents s = new io.carekpi.kpi.SeenEvents();
            s.add(io.carekpi.kpi.SeenEvents.hash(e.event().getEventId()), e.time() + RETENTION);
            getRuntimeContext().getState(new ValueStateDescriptor<>("seenEvents", io.carekpi.kpi.SeenEvents.class))
                    .update(s);
            getRuntimeContext().getState(new ValueStateDescriptor<>("forgetTimer", Long.class)).update(s.until);
            ctx.timerService().registerEventTimeTimer(s.until);
        }
    }
}
