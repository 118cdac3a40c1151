package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HandleSegmentTest {
    private final HandleSegment segment = new HandleSegment();

    @Test
    void shouldSplitTheSegmentIntoTalkAndHold() {
        segment.start("alice", 5_000);
        segment.holdStarted(60_000);
        segment.holdEnded(90_000);
        segment.holdStarted(100_000);
        segment.holdEnded(110_000);
        HandleSegment.Handled handled = segment.end(200_000);
        assertThat(handled).isEqualTo(new HandleSegment.Handled("alice", 195_000 - 40_000, 40_000, 2));
    }

    @Test
    void shouldEndAnOpenHoldWithTheSegment() {
        segment.start("alice", 5_000);
        segment.holdStarted(50_000);
        HandleSegment.Handled handled = segment.end(80_000);
        assertThat(handled.holdMs()).isEqualTo(30_000);
        assertThat(handled.holds()).isEqualTo(1);
        assertThat(handled.talkMs()).isEqualTo(45_000);
    }

    @Test
    void shouldForgetTheSegmentButRememberItsAgentAsTheLastHolder() {
        segment.start("alice", 0);
        segment.holdStarted(10);
        segment.end(20);
        assertThat(segment.isOpen()).isFalse();
        assertThat(segment.agent).isNull();
        assertThat(segment.startedAt).isEqualTo(NONE);
        assertThat(segment.holdStart).isEqualTo(NONE);
        assertThat(segment.holdMs).isZero();
        assertThat(segment.holds).isZero();
        assertThat(segment.lastHolder).isEqualTo("alice");
        assertThat(segment.end(30)).as("nothing open").isNull();
    }

    @Test
    void shouldIgnoreHoldsOutsideASegmentAndASecondHoldStart() {
        segment.holdStarted(0);
        segment.holdEnded(10);
        segment.start("bob", 20);
        assertThat(segment.holdStart).isEqualTo(NONE);
        segment.holdStarted(30);
        segment.holdStarted(40);
        segment.holdEnded(50);
        segment.holdEnded(60);
        assertThat(segment.end(70)).isEqualTo(new HandleSegment.Handled("bob", 30, 20, 1));
    }

    @Test
    void shouldStartANewSegmentWithNoHoldOfThePreviousOne() {
        segment.start("alice", 0);
        segment.holdStarted(10);
        segment.start("bob", 20);
        assertThat(segment.isHeldBy("bob")).isTrue();
        assertThat(segment.isHeldBy("alice")).isFalse();
        assertThat(segment.end(30)).isEqualTo(new HandleSegment.Handled("bob", 10, 0, 0));
    }
}
