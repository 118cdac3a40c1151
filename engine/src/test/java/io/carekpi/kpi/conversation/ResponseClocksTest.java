package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.schema.SlaClock;
import org.junit.jupiter.api.Test;

class ResponseClocksTest {
    private final ResponseClocks responses = new ResponseClocks();

    @Test
    void shouldStartTheFirstWaitOnceAndOnlyBeforeAnyReply() {
        assertThat(responses.startFirstWait(100)).isTrue();
        assertThat(responses.startFirstWait(200)).as("already waiting").isFalse();
        assertThat(responses.customerWaitStart).isEqualTo(100);

        ResponseClocks outbound = new ResponseClocks();
        outbound.agentMessage(50);
        assertThat(outbound.startFirstWait(60)).as("an agent spoke first").isFalse();
        assertThat(outbound.customerWaitStart).isEqualTo(NONE);
    }

    @Test
    void shouldAnswerTheFirstWaitWithTheFirstAgentMessage() {
        assertThat(responses.customerMessage(100)).isEqualTo(SlaClock.FIRST_RESPONSE);
        ResponseClocks.Reply reply = responses.agentMessage(195);
        assertThat(reply.clock()).isEqualTo(SlaClock.FIRST_RESPONSE);
        assertThat(reply.waitMs()).isEqualTo(95);
        assertThat(responses.firstResponseMs).isEqualTo(95);
        assertThat(responses.unanswered()).isFalse();
    }

    @Test
    void shouldGiveNoFirstResponseSampleWhenNoCustomerWaitedBeforeTheFirstReply() {
        ResponseClocks.Reply reply = responses.agentMessage(10);
        assertThat(reply.clock()).as("the clock it would stop").isEqualTo(SlaClock.FIRST_RESPONSE);
        assertThat(reply.sampled()).isFalse();
        assertThat(responses.firstResponseMs).isEqualTo(NONE);
    }

    @Test
    void shouldStartANextWaitOnlyWhenNoneIsPendingAndSampleItAtTheNextReply() {
        responses.customerMessage(0);
        responses.agentMessage(10);
        assertThat(responses.customerMessage(20)).isEqualTo(SlaClock.NEXT_RESPONSE);
        assertThat(responses.customerMessage(25)).as("a wait is pending").isNull();
        ResponseClocks.Reply reply = responses.agentMessage(50);
        assertThat(reply.clock()).isEqualTo(SlaClock.NEXT_RESPONSE);
        assertThat(reply.waitMs()).isEqualTo(30);
        assertThat(responses.agentMessage(60).sampled()).as("nothing pending").isFalse();
        assertThat(responses.customerMessages).isEqualTo(3);
        assertThat(responses.agentMessages).isEqualTo(3);
    }

    @Test
    void shouldGiveTheBotFirstResponseOnlyForTheFirstBotMessageBeforeAnyReply() {
        responses.startFirstWait(0);
        assertThat(responses.botMessage(2)).isEqualTo(2);
        assertThat(responses.botMessage(5)).isEqualTo(NONE);
        assertThat(responses.botFirstResponseMs).isEqualTo(2);
        assertThat(responses.botOnly()).isTrue();

        ResponseClocks answered = new ResponseClocks();
        answered.startFirstWait(0);
        answered.agentMessage(10);
        assertThat(answered.botMessage(20)).isEqualTo(NONE);
        assertThat(answered.botOnly()).isFalse();
    }

    @Test
    void shouldEndAPendingWaitWithoutASample() {
        responses.customerMessage(0);
        responses.agentMessage(10);
        responses.customerMessage(20);
        responses.endPendingWait();
        assertThat(responses.nrtPendingSince).isEqualTo(NONE);
        assertThat(responses.agentMessage(40).sampled()).isFalse();
    }

    @Test
    void shouldWaitSinceTheFirstWaitUntilResolvedThenSinceThePendingWait() {
        responses.customerMessage(100);
        assertThat(responses.waitingSince(false)).isEqualTo(100);
        assertThat(responses.waitingSince(true)).as("resolved without a reply").isEqualTo(NONE);
        responses.agentMessage(150);
        assertThat(responses.waitingSince(false)).isEqualTo(NONE);
        responses.customerMessage(200);
        assertThat(responses.waitingSince(false)).isEqualTo(200);
    }

    @Test
    void shouldStartTheAbandonWaitAtTheFirstWaitElseAtTheOpening() {
        assertThat(responses.waitStartOr(7)).isEqualTo(7);
        responses.startFirstWait(30);
        assertThat(responses.waitStartOr(7)).isEqualTo(30);
    }
}
