package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.schema.SlaClock;
import org.junit.jupiter.api.Test;

class SlaClockCountersTest {
    private final SlaClockCounters clocks = new SlaClockCounters();

    private static RunningSlaClock clock(SlaClock kind, long warnAt, long deadline) {
        RunningSlaClock c = new RunningSlaClock();
        c.clock = kind;
        c.warnAt = warnAt;
        c.deadline = deadline;
        return c;
    }

    @Test
    void shouldNumberEachKindsClocksInTheOrderTheyStart() {
        clocks.start(clock(SlaClock.RESOLUTION, NONE, 1_000));
        clocks.start(clock(SlaClock.NEXT_RESPONSE, NONE, 100));
        clocks.stop(SlaClock.NEXT_RESPONSE);
        clocks.start(clock(SlaClock.NEXT_RESPONSE, NONE, 200));
        assertThat(clocks.find(SlaClock.NEXT_RESPONSE).sequence).isEqualTo(2);
        assertThat(clocks.find(SlaClock.RESOLUTION).sequence).isEqualTo(1);
        assertThat(clocks.nextResponseClocks).isEqualTo(2);
        assertThat(clocks.resolutionClocks).isEqualTo(1);
        assertThat(clocks.firstResponseClocks).isZero();
    }

    @Test
    void shouldStopAClockOfOneKindAndKeepItsCount() {
        clocks.start(clock(SlaClock.FIRST_RESPONSE, NONE, 100));
        assertThat(clocks.isRunning(SlaClock.FIRST_RESPONSE)).isTrue();
        assertThat(clocks.stop(SlaClock.FIRST_RESPONSE).clock).isEqualTo(SlaClock.FIRST_RESPONSE);
        assertThat(clocks.stop(SlaClock.FIRST_RESPONSE)).as("no longer running").isNull();
        assertThat(clocks.isRunning(SlaClock.FIRST_RESPONSE)).isFalse();
        assertThat(clocks.firstResponseClocks).isEqualTo(1);
    }

    @Test
    void shouldActNextAtTheEarliestWarnOrDeadlineNotYetRaised() {
        clocks.start(clock(SlaClock.FIRST_RESPONSE, 80, 100));
        clocks.start(clock(SlaClock.RESOLUTION, 800, 1_000));
        assertThat(clocks.nextInstant()).isEqualTo(80);
        clocks.find(SlaClock.FIRST_RESPONSE).warn();
        assertThat(clocks.nextInstant()).isEqualTo(100);
        clocks.find(SlaClock.FIRST_RESPONSE).breach();
        assertThat(clocks.nextInstant()).isEqualTo(800);
        clocks.stopAll();
        assertThat(clocks.nextInstant()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldWarnOnlyBeforeTheDeadlineAndBreachOnce() {
        RunningSlaClock c = clock(SlaClock.FIRST_RESPONSE, 80, 100);
        assertThat(c.warningDueBy(79)).isFalse();
        assertThat(c.warningDueBy(80)).isTrue();
        assertThat(c.breachDueBy(100)).isTrue();
        c.breach();
        assertThat(c.warningDueBy(100)).as("a breach implies the warning").isFalse();
        assertThat(c.breachDueBy(200)).isFalse();
        assertThat(c.nextInstant()).isEqualTo(Long.MAX_VALUE);

        RunningSlaClock noWarning = clock(SlaClock.RESOLUTION, NONE, 100);
        assertThat(noWarning.warningDueBy(Long.MAX_VALUE)).isFalse();
        RunningSlaClock warnAtDeadline = clock(SlaClock.RESOLUTION, 100, 100);
        assertThat(warnAtDeadline.warningDueBy(100)).as("the breach comes instead").isFalse();
    }
}
