package io.carekpi.flink;

import io.carekpi.events.DecodedEvent;
import static io.carekpi.schema.Channel.SMS;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.schema.InteractionEvent;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {
    @Test
    void shouldDropRepeatsOfAnEventIdAndForgetThemAfterTheHorizon() throws Exception {
        long horizon = Duration.ofMinutes(10).toMillis();
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, DecodedEvent>(
                new KeyedProcessOperator<>(new Deduplicator(horizon)), DecodedEvent::conversationId,
                Types.STRING)) {
            harness.open();
            InteractionEvent e = conversation("c1", SMS).customer("u1").at(0).opened().last();
            long t = e.getOccurredAt().toEpochMilli();
            harness.processElement(new StreamRecord<>(new DecodedEvent(e, 1), t));
            harness.processElement(new StreamRecord<>(new DecodedEvent(e, 2), t));
            assertThat(harness.extractOutputValues()).extracting(DecodedEvent::seq).containsExactly(1L);

            harness.processWatermark(t + horizon);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }
}
