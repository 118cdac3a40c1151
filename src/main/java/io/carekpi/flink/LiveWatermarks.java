package io.carekpi.flink;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Live watermarks: the newest event time seen minus the out-of-orderness bound, and between events
 * event time is assumed to advance with the wall clock. So when every input goes quiet the
 * watermark keeps moving, and an SLA deadline fires about {@code outOfOrderness} after it passes
 * even if no further event ever arrives (SPEC section 3).
 *
 * <p>Trade-off: an event arriving after a quiet spell with an event time older than the advanced
 * watermark is late (it goes to the late output). A backlog being caught up is not affected: it
 * arrives without pauses, so the wall-clock advance stays at the length of the pauses. A subtask
 * that has seen no event at all reports {@code now - outOfOrderness}, which never holds back the
 * others (the minimum over inputs is what counts downstream).
 */
public final class LiveWatermarks implements WatermarkGenerator<EventEnvelope> {
    private final long boundMs;
    private final WallClock clock;
    private long maxEventTime = Long.MIN_VALUE;
    private long lastArrival;
    private long emitted = Long.MIN_VALUE;

    /** The wall clock, replaceable in tests. */
    @FunctionalInterface
    public interface WallClock {
        long now();
    }

    public LiveWatermarks(long boundMs) {
        this(boundMs, System::currentTimeMillis);
    }

    public LiveWatermarks(long boundMs, WallClock clock) {
        this.boundMs = boundMs;
        this.clock = clock;
    }

    @Override
    public void onEvent(EventEnvelope event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > maxEventTime) {
            maxEventTime = eventTimestamp;
        }
        lastArrival = clock.now();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.now();
        long w = maxEventTime == Long.MIN_VALUE
                ? now - boundMs
                : maxEventTime + (now - lastArrival) - boundMs - 1;
        if (w > emitted) {
            emitted = w;
            output.emitWatermark(new Watermark(w));
        }
    }
}
