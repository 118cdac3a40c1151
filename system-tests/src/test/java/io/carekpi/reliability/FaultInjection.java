package io.carekpi.reliability;

import io.carekpi.events.Decoded;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;

/** Operators the fault tests put between the source and the topology (one JVM: static state). */
final class FaultInjection {
    private FaultInjection() {}

    /** Fails its task once, when the whole job has seen {@code after} records. */
    static final class FailOnce implements MapFunction<Decoded, Decoded> {
        static final AtomicLong SEEN = new AtomicLong();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private final long after;

        FailOnce(long after) {
            this.after = after;
        }

        static void reset() {
            SEEN.set(0);
            FAILED.set(false);
        }

        @Override
        public Decoded map(Decoded r) {
            if (SEEN.incrementAndGet() >= after && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected task failure after " + after + " records");
            }
            return r;
        }
    }

    /** Counts the records the whole job has seen, in {@link #SEEN} (reset it before a run). */
    static final class Count implements MapFunction<Decoded, Decoded> {
        static final AtomicLong SEEN = new AtomicLong();

        @Override
        public Decoded map(Decoded r) {
            SEEN.incrementAndGet();
            return r;
        }
    }

    /** Slows the input down to about {@code perSecond} records per second per subtask. */
    static final class Throttle implements MapFunction<Decoded, Decoded> {
        private final int perSecond;
        private long count;

        Throttle(int perSecond) {
            this.perSecond = perSecond;
        }

        @Override
        public Decoded map(Decoded r) throws InterruptedException {
            if (++count % Math.max(1, perSecond / 100) == 0) {
                Thread.sleep(10);
            }
            return r;
        }
    }

    /** Holds its task thread for {@code millis} once, when the whole job has seen {@code after} records. */
    static final class PauseOnce implements MapFunction<Decoded, Decoded> {
        static final AtomicBoolean PAUSED = new AtomicBoolean();
        private final long after;
        private final long millis;

        PauseOnce(long after, long millis) {
            this.after = after;
            this.millis = millis;
        }

        @Override
        public Decoded map(Decoded r) throws InterruptedException {
            if (Count.SEEN.get() >= after && PAUSED.compareAndSet(false, true)) {
                Thread.sleep(millis);
            }
            return r;
        }
    }
}
