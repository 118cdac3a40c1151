package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConversationTest {
    private final Conversation conversation = new Conversation();

    @Test
    void shouldBeOpenedAtItsFirstEvent() {
        assertThat(conversation.isOpened()).isFalse();
        conversation.openedAt = 5;
        assertThat(conversation.isOpened()).isTrue();
    }

    @Test
    void shouldStopWaitingWhenClosed() {
        conversation.responses.customerMessage(100);
        assertThat(conversation.waitingSince()).isEqualTo(100);
        conversation.resolution.close();
        assertThat(conversation.waitingSince()).isEqualTo(NONE);
    }

    @Test
    void shouldNumberItsSummaries() {
        assertThat(conversation.nextSummary()).isEqualTo(1);
        assertThat(conversation.nextSummary()).isEqualTo(2);
        assertThat(conversation.summaries).isEqualTo(2);
    }
}
