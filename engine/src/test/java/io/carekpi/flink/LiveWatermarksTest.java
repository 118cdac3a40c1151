package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class LiveWatermarksTest {
    private long now = 1_000_000;
    private final List<Long> emitted = new ArrayList<>();
    private boolean idle;
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {}
    };

    /** A backlog never read to its end, whose inputs have all started since an instant when {@code started} says so. */
    private static LiveWatermarks.Backlog<Object> notCaughtUp(java.util.function.LongPredicate started) {
        return new LiveWatermarks.Backlog<>() {
            @Override
            public long readToEndAt(Object last) {
                return LiveWatermarks.NOT_READ_TO_END;
            }

            @Override
            public boolean allStartedSince(long since) {
                return started.test(since);
            }
        };
    }

    private long last() {
        return emitted.get(emitted.size() - 1);
    }

    @Test
    void watermarkTrailsTheNewestEventByTheBoundWhileEventsFlow() {
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, LiveWatermarks.Backlog.none(), () -> now);
        w.onEvent(null, 999_000, output);
        w.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(999_000 - 500 - 1);
    }

    @Test
    void watermarkWaitsForTheEventsWhileTheInputIsNotReadToItsEnd() {
        boolean[] caughtUp = {false};
        List<Object> asked = new ArrayList<>();
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, last -> {
            asked.add(last);
            return caughtUp[0] ? now : LiveWatermarks.NOT_READ_TO_END;
        }, () -> now);
        w.onEvent("e1", 999_000, output);
        now += 3_000; // a stall: backpressure, a broker outage, a pause
        w.onPeriodicEmit(output);
        assertThat(last()).as("no wall-clock advance past unread events").isEqualTo(999_000 - 500 - 1);
        assertThat(asked).containsExactly("e1");

        caughtUp[0] = true; // read to the end: quiet for real
        now += 1_000;
        w.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(999_000 + 4_000 - 500 - 1);
    }

    /**
     * The end offsets that say the input is read were polled a moment ago; events produced since
     * may be on their way (a broker going down buffers them in the producers), so the wall-clock
     * advance stops at the poll's instant, not at the present.
     */
    @Test
    void theWallClockAdvanceStopsAtTheInstantTheInputWasLastKnownReadToItsEnd() {
        long[] polledAt = {0};
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, last -> polledAt[0], () -> now);
        w.onEvent("e1", 999_000, output);
        polledAt[0] = now + 400; // read to the end as of a poll 400 ms after the event arrived
        now += 1_300; // the broker went away after that poll: its answer is the last one
        w.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(999_000 + 400 - 500 - 1);
        polledAt[0] = now - 2_000; // a poll from before the last event says nothing of it
        w.onEvent("e2", 1_000_300, output);
        w.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(1_000_300 - 500 - 1);
    }

    @Test
    void watermarkAdvancesWithTheWallClockWhenTheInputGoesQuiet() {
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, LiveWatermarks.Backlog.none(), () -> now);
        w.onEvent(null, 999_000, output);
        now += 3_000;
        w.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(999_000 + 3_000 - 500 - 1);
    }

    @Test
    void anInputWithoutEventsWaitsOutTheStartupGraceThenGoesIdleWithoutJumpingToTheWallClock() {
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, LiveWatermarks.Backlog.none(), () -> now);
        w.onPeriodicEmit(output);
        assertThat(idle).as("a backlog may still be on its way").isFalse();
        now += LiveWatermarks.STARTUP_GRACE_MS;
        w.onPeriodicEmit(output);
        assertThat(idle).isTrue();
        assertThat(emitted).isEmpty();
    }

    @Test
    void anInputWithoutEventsStaysActiveWhileTheSourceKnowsOfInputWaitingToBeRead() {
        boolean[] nothingWaits = {false};
        LiveWatermarks<Object> w = new LiveWatermarks<>(500,
                last -> last == null && nothingWaits[0] ? now : LiveWatermarks.NOT_READ_TO_END, () -> now);
        now += LiveWatermarks.STARTUP_GRACE_MS;
        w.onPeriodicEmit(output);
        assertThat(idle).as("the broker away or a backlog being read: its events may still come").isFalse();
        nothingWaits[0] = true;
        w.onPeriodicEmit(output);
        assertThat(idle).isTrue();
    }

    @Test
    void afterAStartNoWatermarkUntilEveryInputHasDeliveredOrTheGraceHasPassed() {
        List<Long> asked = new ArrayList<>();
        boolean[] allStarted = {false};
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, notCaughtUp(since -> {
            asked.add(since);
            return allStarted[0];
        }), () -> now);
        w.onEvent(null, 999_000, output);
        w.onPeriodicEmit(output);
        assertThat(emitted).as("another partition's backlog may still come, older").isEmpty();
        assertThat(asked).containsExactly(1_000_000L);
        allStarted[0] = true;
        w.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(999_000 - 500 - 1);

        LiveWatermarks<Object> held = new LiveWatermarks<>(500, notCaughtUp(since -> false), () -> now);
        held.onEvent(null, 999_100, output);
        emitted.clear();
        held.onPeriodicEmit(output);
        now += LiveWatermarks.STARTUP_GRACE_MS;
        held.onPeriodicEmit(output);
        assertThat(emitted).as("at most the grace").containsExactly(999_100L - 500 - 1);
    }

    @Test
    void theWatermarkNeverGoesBack() {
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, LiveWatermarks.Backlog.none(), () -> now);
        w.onEvent(null, 999_000, output);
        w.onPeriodicEmit(output);
        w.onEvent(null, 10, output); // an old event does not move the watermark back
        w.onPeriodicEmit(output);
        assertThat(emitted).hasSize(1);
    }
}
