package io.carekpi.flink;

import java.io.Serializable;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Live watermarks: the newest event time seen minus the out-of-orderness bound; and while the input
 * is known to be read to its end ({@link Backlog#readToEndAt}), event time is assumed to advance with
 * the wall clock between events, up to the instant that knowledge is from (a poll of the end
 * offsets a moment ago says nothing of what producers sent since, which may be on its way still). So when every input goes quiet the watermark keeps moving, and an
 * SLA deadline fires about {@code outOfOrderness} after it passes even if no further event ever
 * arrives (SPEC section 3); but when the job stalls (backpressure from a slow sink, a broker outage,
 * a long pause, a restart that finds a backlog) the input is not caught up, the watermark waits
 * for the events, and none of them is late because of the pipeline.
 *
 * <p>After a (re)start no watermark is emitted until every input of the source has delivered an
 * event in this process (at most {@link #STARTUP_GRACE_MS}): Flink counts an input's watermark only
 * from its first records on, and one whose backlog comes later than the others' must not find
 * their watermark ahead of it. An input (a Kafka partition) that has seen no event since the job (re)started says nothing for
 * {@link #STARTUP_GRACE_MS}, then, if the source knows of nothing waiting to be read ({@code
 * readToEndAt(null)}: the broker answers and every input read here is at its end), marks itself idle
 * so it does not hold back the others; it never jumps to the wall clock. While the broker is away,
 * nothing goes idle: an input whose backlog comes late must not find the others' watermark ahead of
 * it. If every input is idle the watermark simply waits. Used per Kafka
 * partition by the source, so a partition read ahead of the others does not make theirs late.
 */
public final class LiveWatermarks<T> implements WatermarkGenerator<T> {
    /** How long an input that has seen no event waits before it marks itself idle. */
    public static final long STARTUP_GRACE_MS = 30_000;
    /** {@link Backlog#readToEndAt}: not known to be read to its end. */
    public static final long NOT_READ_TO_END = Long.MIN_VALUE;

    /**
     * What the source knows of its input besides the events: whether all of it that exists has
     * been read. When it cannot tell (its end unknown, its broker unreachable), it says no.
     */
    @FunctionalInterface
    public interface Backlog<T> extends Serializable {
        /**
         * The latest instant (wall clock, ms) at which nothing of the input after {@code last} (the
         * last element read) was there to be read, or {@link #NOT_READ_TO_END} when that is not
         * known (a backlog, the end unknown). With {@code last} null (an input that has read
         * nothing yet, which cannot say which input it is): an instant when nothing this process
         * reads is known to wait.
         */
        long readToEndAt(T last);

        /**
         * True when every input of the source has delivered an element in this process since
         * {@code since}. Flink's sources count a split's watermark only from its first records on,
         * so after a (re)start a split whose records come later than the others' would find their
         * watermark ahead of it: until this is true (or {@link #STARTUP_GRACE_MS} has passed) no
         * watermark is emitted.
         */
        default boolean allStartedSince(long since) {
            return true;
        }

        /** An input that never lags: a test's collection, a generator in the same process. */
        static <T> Backlog<T> none() {
            return last -> Long.MAX_VALUE;
        }
    }

    private final long boundMs;
    private final WallClock clock;
    private final Backlog<T> backlog;
    private final long createdAt;
    private long maxEventTime = Long.MIN_VALUE;
    private long lastArrival;
    private T last;
    private long emitted = Long.MIN_VALUE;
    /** Every input has started since this generator was created (or the grace has passed). */
    private boolean started;

    /** The wall clock, replaceable in tests. */
    @FunctionalInterface
    public interface WallClock {
        long now();
    }

    public LiveWatermarks(long boundMs, Backlog<T> backlog) {
        this(boundMs, backlog, System::currentTimeMillis);
    }

    public LiveWatermarks(long boundMs, Backlog<T> backlog, WallClock clock) {
        this.boundMs = boundMs;
        this.backlog = backlog;
        this.clock = clock;
        this.createdAt = clock.now();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > maxEventTime) {
            maxEventTime = eventTimestamp;
        }
        lastArrival = clock.now();
        last = event;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.now();
        if (maxEventTime == Long.MIN_VALUE) {
            if (now - createdAt >= STARTUP_GRACE_MS && backlog.readToEndAt(null) != NOT_READ_TO_END) {
                output.markIdle();
            }
            return;
        }
        long readToEndAt = backlog.readToEndAt(last); // asked every time: the source learns this input is read
        if (!started) {
            if (now - createdAt < STARTUP_GRACE_MS && !backlog.allStartedSince(createdAt)) {
                return;
            }
            started = true;
        }
        // Quiet time is counted up to when the input was last known read to its end, never past it.
        long quiet = readToEndAt == NOT_READ_TO_END ? 0 : Math.max(0, Math.min(now, readToEndAt) - lastArrival);
        long w = maxEventTime + quiet - boundMs - 1;
        if (w > emitted) {
            emitted = w;
            output.emitWatermark(new Watermark(w));
        }
    }
}
