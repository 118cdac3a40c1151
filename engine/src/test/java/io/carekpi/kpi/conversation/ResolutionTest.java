package io.carekpi.kpi.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResolutionTest {
    private final Resolution resolution = new Resolution();

    @Test
    void shouldCountEachResolutionWithItsTimeFromTheOpening() {
        resolution.resolved(600, false);
        resolution.reopened();
        resolution.resolved(900, false);
        assertThat(resolution.resolutions).isEqualTo(2);
        assertThat(resolution.lastResolutionMs).isEqualTo(900);
        assertThat(resolution.resolvedNow).isTrue();
        assertThat(resolution.reopens).isEqualTo(1);
    }

    @Test
    void shouldDisqualifyFcrAfterATransferAnEscalationOrAReopen() {
        assertThat(resolution.fcrCandidate()).isTrue();
        Resolution transferred = new Resolution();
        transferred.transferred();
        Resolution escalated = new Resolution();
        escalated.escalated();
        Resolution reopened = new Resolution();
        reopened.reopened();
        assertThat(transferred.fcrCandidate()).isFalse();
        assertThat(transferred.transfers).isEqualTo(1);
        assertThat(escalated.fcrCandidate()).isFalse();
        assertThat(escalated.escalations).isEqualTo(1);
        assertThat(reopened.fcrCandidate()).isFalse();
    }

    @Test
    void shouldUndoTheResolutionAndTheCloseAtAReopen() {
        resolution.resolved(10, false);
        resolution.close();
        assertThat(resolution.isOver()).isTrue();
        resolution.reopened();
        assertThat(resolution.resolvedNow).isFalse();
        assertThat(resolution.closed).isFalse();
        assertThat(resolution.isOver()).isFalse();
    }

    @Test
    void shouldCloseOnlyOnce() {
        assertThat(resolution.close()).isTrue();
        assertThat(resolution.close()).isFalse();
        assertThat(resolution.isOver()).isTrue();
    }

    @Test
    void shouldFindAnUnansweredUnresolvedUndeflectedCloseAbandoned() {
        assertThat(resolution.abandonedAtClose(false)).isTrue();
        assertThat(resolution.abandoned).isTrue();

        Resolution answered = new Resolution();
        assertThat(answered.abandonedAtClose(true)).isFalse();
        Resolution resolved = new Resolution();
        resolved.resolved(5, false);
        assertThat(resolved.abandonedAtClose(false)).isFalse();
        Resolution deflected = new Resolution();
        deflected.deflected();
        assertThat(deflected.abandonedAtClose(false)).isFalse();
        assertThat(deflected.abandoned).isFalse();
    }

    @Test
    void shouldBeBotContainedWhenResolvedWithTheBotAlone() {
        resolution.resolved(30, true);
        assertThat(resolution.botContained).isTrue();
        Resolution byAgent = new Resolution();
        byAgent.resolved(30, false);
        assertThat(byAgent.botContained).isFalse();
    }
}
