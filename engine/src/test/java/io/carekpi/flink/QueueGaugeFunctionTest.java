package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.kpi.WaitUpdate;
import io.carekpi.schema.QueueGauge;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class QueueGaugeFunctionTest {
    @Test
    void shouldReportWaitingConversationsEveryIntervalAndAFinalZero() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<String, WaitUpdate, QueueGauge>(
                new KeyedProcessOperator<>(new QueueGaugeFunction(2000)),
                u -> QueueGaugeFunction.key(u.channel, u.queue), Types.STRING)) {
            harness.setProcessingTime(0);
            harness.open();
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
}
