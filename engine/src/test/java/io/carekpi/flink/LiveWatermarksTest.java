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

    private long last() {
        return emitted.get(emitted.size() - 1);
    }

    @Test
    void watermarkTrailsTheNewestEventByTheBoundWhileEventsFlow() {
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, () -> now);
        w.onEvent(null, 999_000, output);
        w.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(999_000 - 500 - 1);
    }

    @Test
    void watermarkAdvancesWithTheWallClockWhenTheInputGoesQuiet() {
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, () -> now);
        w.onEvent(null, 999_000, output);
        now += 3_000;
        w.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(999_000 + 3_000 - 500 - 1);
    }

    @Test
    void anInputWithoutEventsWaitsOutTheStartupGraceThenGoesIdleWithoutJumpingToTheWallClock() {
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, () -> now);
        w.onPeriodicEmit(output);
        assertThat(idle).as("a backlog may still be on its way").isFalse();
        now += LiveWatermarks.STARTUP_GRACE_MS;
        w.onPeriodicEmit(output);
        assertThat(idle).isTrue();
        assertThat(emitted).isEmpty();
    }

    @Test
    void theWatermarkNeverGoesBack() {
        LiveWatermarks<Object> w = new LiveWatermarks<>(500, () -> now);
        w.onEvent(null, 999_000, output);
        w.onPeriodicEmit(output);
        w.onEvent(null, 10, output); // an old event does not move the watermark back
        w.onPeriodicEmit(output);
        assertThat(emitted).hasSize(1);
    }
}
