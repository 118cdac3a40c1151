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
 * arrives without pauses, so the wall-clock advance stays at the length of the pauses. An input
 * (a Kafka partition) that has seen no event since the job (re)started says nothing for
 * {@link #STARTUP_GRACE_MS}, then marks itself idle so it does not hold back the others; it never
 * jumps to the wall clock, which after a restart would make a backlog still to be read late. If
 * every input is idle the watermark simply waits. Used per Kafka partition by the
 * source, so a partition read ahead of the others does not make theirs late.
 */
public final class LiveWatermarks<T> implements WatermarkGenerator<T> {
    /** How long an input that has seen no event waits before it follows the wall clock. */
    public static final long STARTUP_GRACE_MS = 30_000;

    private final long boundMs;
    private final WallClock clock;
    private final long createdAt;
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
        this.createdAt = clock.now();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > maxEventTime) {
            maxEventTime = eventTimestamp;
        }
        lastArrival = clock.now();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.now();
        if (maxEventTime == Long.MIN_VALUE) {
            if (now - createdAt >= STARTUP_GRACE_MS) {
                output.markIdle();
            }
            return;
        }
        long w = maxEventTime + (now - lastArrival) - boundMs - 1;
        if (w > emitted) {
            emitted = w;
            output.emitWatermark(new Watermark(w));
        }
    }
}
