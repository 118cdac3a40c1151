package io.carekpi.kpi.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HandleTotalsTest {
    @Test
    void shouldAddEachHandledSegmentAndWrapUp() {
        HandleTotals totals = new HandleTotals();
        totals.add(new HandleSegment.Handled("alice", 100, 20, 1));
        totals.add(new HandleSegment.Handled("bob", 50, 0, 0));
        totals.addWrapUp(30);
        assertThat(totals.handledSegments).isEqualTo(2);
        assertThat(totals.talkMs).isEqualTo(150);
        assertThat(totals.holdMs).isEqualTo(20);
        assertThat(totals.wrapUpMs).isEqualTo(30);
    }
}
