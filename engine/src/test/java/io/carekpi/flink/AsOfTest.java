package io.carekpi.flink;

import static io.carekpi.schema.Channel.WEB_CHAT;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.config.SlaConfig;
import io.carekpi.config.SlaPolicy;
import io.carekpi.events.DecodedEvent;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiFact;
import io.carekpi.schema.InteractionEvent;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The end of the input with an as-of instant (a backfill up to it): deadlines at or before it fire,
 * later ones do not, in both ordered stages.
 */
class AsOfTest {
    private static final long H = Duration.ofHours(1).toMillis();

    @Test
    void shouldBreachOnlyTheDeadlinesAtOrBeforeTheAsOfInstantAtTheEndOfTheInput() throws Exception {
        EngineConfig.Builder b = EngineConfig.builder();
        b.sla = new SlaConfig(Map.of("WEB_CHAT", new SlaPolicy(Duration.ofSeconds(100), null, Duration.ofSeconds(1000),
                null, null)), Map.of(), Map.of());
        InteractionEvent opened = conversation("c1", WEB_CHAT).customer("u1").at(0).opened().last();
        long t = opened.getOccurredAt().toEpochMilli();
        long asOf = t + 850_000; // after the resolution clock warns (800 s), before it breaches (1000 s)
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, KpiFact>(
                new MigratingKeyedProcessOperator<>(new ConversationFunction(b.build(), asOf)),
                DecodedEvent::conversationId, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(new DecodedEvent(opened, 1), t));
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.getSideOutput(ConversationFunction.SLA_EVENTS)).extracting(r -> r.getValue().getSlaEventId())
                    .containsExactly("c1:FIRST_RESPONSE:1:WARNING", "c1:FIRST_RESPONSE:1:BREACHED",
                            "c1:RESOLUTION:1:WARNING");
        }
    }

    @Test
    void shouldLeaveAVerdictDueAfterTheAsOfInstantPending() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, CustomerSignal, KpiFact>(
                new MigratingKeyedProcessOperator<>(new CustomerFunction(EngineConfig.defaults(), 3 * H)), s -> s.customerId,
                Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(CustomerSignal.opened(H, "u1", "c1", H), H));
            h.processElement(new StreamRecord<>(
                    CustomerSignal.resolved(2 * H, "u1", "c1", H, true, "SMS", "alice", "q1"), 2 * H));
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).extracting(f -> f.kind).containsExactly(FactKind.FCR_CANDIDATE);
        }
    }
}
