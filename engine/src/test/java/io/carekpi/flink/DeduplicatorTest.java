package io.carekpi.flink;

import static io.carekpi.schema.Channel.SMS;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.events.DecodedEvent;
import io.carekpi.schema.InteractionEvent;
import java.time.Duration;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {
    private static final long RETENTION = EngineConfig.defaults().conversationRetention.toMillis();
    private static final InteractionEvent OPENED = conversation("c1", SMS).customer("u1").at(0).opened().last();
    private static final long T = OPENED.getOccurredAt().toEpochMilli();

    private static KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, DecodedEvent> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new MigratingKeyedProcessOperator<>(new Deduplicator(EngineConfig.defaults())), DecodedEvent::conversationId,
                Types.STRING);
    }

    @Test
    void shouldDropRepeatsOfAnEventIdAndForgetThemWithTheirConversation() throws Exception {
        try (var harness = harness()) {
            harness.open();
            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 1), T));
            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 2), T));
            assertThat(harness.extractOutputValues()).extracting(DecodedEvent::seq).containsExactly(1L);

            harness.processWatermark(T + RETENTION);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aReDeliveryHoursLaterIsStillADuplicateWhileTheConversationIsRemembered() throws Exception {
        long day = Duration.ofDays(1).toMillis();
        try (var harness = harness()) {
            harness.open();
            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 1), T));
            harness.processWatermark(T + 3 * day);
            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 2), T + 3 * day + 1));
            assertThat(harness.extractOutputValues()).extracting(DecodedEvent::seq).containsExactly(1L);

            harness.processWatermark(T + RETENTION);
            assertThat(harness.numKeyedStateEntries()).as("forgotten with the conversation").isZero();
        }
    }

    @Test
    void idsSeenBeforeAnUpgradeFromTheV1StateLayoutAreStillDuplicatesAfterIt() throws Exception {
        OperatorSubtaskState v1;
        try (var writer = new KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, DecodedEvent>(
                new KeyedProcessOperator<>(new WritesV1State()), DecodedEvent::conversationId, Types.STRING)) {
            writer.open();
            writer.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 1), T));
            v1 = writer.snapshot(1L, 1L);
        }
        try (var harness = harness()) {
            harness.initializeState(v1);
            harness.open();
            assertThat(harness.numKeyedStateEntries()).as("v1 state moved, none left under its old name").isEqualTo(1);

            harness.processElement(new StreamRecord<>(new DecodedEvent(OPENED, 2), T));
            assertThat(harness.extractOutputValues()).as("a repeat of an id the v1 build had seen").isEmpty();
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
}
