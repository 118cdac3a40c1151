package io.carekpi.reliability;

import io.carekpi.events.Decoded;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/** Operators the fault tests put between the source and the topology (one JVM: static state). */
final class FaultInjection {
    private FaultInjection() {}

    /**
     * Fails its task once between two checkpoints: when the whole job has seen {@code after}
     * records and {@code sinceCheckpoint} of them since a checkpoint last completed, so the outputs
     * of that many records were written and no checkpoint covers them.
     */
    static final class FailBetweenCheckpoints implements MapFunction<Decoded, Decoded>, CheckpointListener {
        static final AtomicLong SEEN = new AtomicLong();
        static final AtomicLong SINCE_CHECKPOINT = new AtomicLong();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private final long after;
        private final long sinceCheckpoint;

        FailBetweenCheckpoints(long after, long sinceCheckpoint) {
            this.after = after;
            this.sinceCheckpoint = sinceCheckpoint;
        }

        static void reset() {
            SEEN.set(0);
            SINCE_CHECKPOINT.set(0);
            FAILED.set(false);
        }

        @Override
        public Decoded map(Decoded r) {
            long since = SINCE_CHECKPOINT.incrementAndGet();
            if (SEEN.incrementAndGet() >= after && since >= sinceCheckpoint && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected task failure after " + after + " records, " + since
                        + " of them since the last checkpoint");
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            SINCE_CHECKPOINT.set(0);
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
        private final boolean untilFailure;
        private long count;

        Throttle(int perSecond) {
            this(perSecond, false);
        }

        /**
         * @param untilFailure full speed once {@link FailBetweenCheckpoints} has failed: the
         *     restored job catches up on its backlog as fast as it can, as after a real crash.
         */
        Throttle(int perSecond, boolean untilFailure) {
            this.perSecond = perSecond;
            this.untilFailure = untilFailure;
        }

        @Override
        public Decoded map(Decoded r) throws InterruptedException {
            if (untilFailure && FailBetweenCheckpoints.FAILED.get()) {
                return r;
            }
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
