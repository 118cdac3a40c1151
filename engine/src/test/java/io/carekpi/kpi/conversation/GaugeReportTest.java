package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GaugeReportTest {
    private final GaugeReport gauge = new GaugeReport();

    @Test
    void shouldSayNothingNewWhileNotWaitingWhereverTheConversationIs() {
        assertThat(gauge.waiting()).isFalse();
        assertThat(gauge.says(NONE, "SMS", "billing")).isTrue();
    }

    @Test
    void shouldNeedATellingWhenTheWaitStartsMovesOrEnds() {
        assertThat(gauge.says(100, "SMS", "billing")).as("the wait starts").isFalse();
        gauge.told(100, "SMS", "billing");
        assertThat(gauge.waiting()).isTrue();
        assertThat(gauge.says(100, "SMS", "billing")).isTrue();
        assertThat(gauge.says(100, "SMS", "sales")).as("moved to another queue").isFalse();
        assertThat(gauge.says(100, "VOICE", "billing")).as("moved to another channel").isFalse();
        assertThat(gauge.says(200, "SMS", "billing")).as("a new wait").isFalse();
        assertThat(gauge.says(NONE, "SMS", "billing")).as("the wait ends").isFalse();
        gauge.told(NONE, "SMS", "billing");
        assertThat(gauge.waiting()).isFalse();
    }
}
