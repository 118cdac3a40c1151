package io.carekpi.connectors.kafka;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;

/**
 * A {@link KafkaSource} whose bounded runs also finish after a restore (from a savepoint, a retained
 * checkpoint, or a JobManager failover).
 *
 * <p>The connector's enumerator (flink-connector-kafka 5.0.0) tells readers that no more splits
 * will come only after a partition discovery that found new partitions. A restored enumerator
 * already knows every partition, so its discovery finds none, and the restored readers read up to
 * their stopping offsets and then wait forever (FLINK-33466, FLINK-31006). Here the restored
 * enumerator's first discovery is watched: when it schedules no split initialisation (nothing
 * new), every reader, present or registering later, is told; when it found new partitions the
 * enumerator signals them itself as usual. Signals are sent once per reader registration. Unbounded
 * sources, and fresh starts, are the plain Kafka source.
 */
public final class BoundedRestoreKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final KafkaSource<T> kafka;

    public BoundedRestoreKafkaSource(KafkaSource<T> kafka) {
        this.kafka = kafka;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext ctx) throws Exception {
        return kafka.createReader(ctx);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> ctx) {
        return kafka.createEnumerator(ctx);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> ctx, KafkaSourceEnumState state) throws Exception {
        if (kafka.getBoundedness() != Boundedness.BOUNDED || !state.initialDiscoveryFinished()) {
            return kafka.restoreEnumerator(ctx, state);
        }
        SignallingContext signalling = new SignallingContext(ctx);
        return new SignallingEnumerator(kafka.restoreEnumerator(signalling, state), signalling);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return kafka.getProducedType();
    }

    /** Passes everything on; watches the first discovery; sends no-more-splits once per registration. */
    static final class SignallingContext implements SplitEnumeratorContext<KafkaPartitionSplit> {
        private final SplitEnumeratorContext<KafkaPartitionSplit> ctx;
        private final Set<Integer> signalled = new HashSet<>();
        private boolean discoveryWatched;
        private long asyncCalls;
        /** The first discovery found nothing new: the enumerator will never signal, so this does. */
        boolean signalsItself;

        SignallingContext(SplitEnumeratorContext<KafkaPartitionSplit> ctx) {
            this.ctx = ctx;
        }

        void readerRegistered(int subtask) {
            signalled.remove(subtask);
        }

        @Override
        public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler) {
            if (discoveryWatched) {
                asyncCalls++;
                ctx.callAsync(callable, handler);
                return;
            }
            discoveryWatched = true;
            ctx.callAsync(callable, (result, failure) -> {
                long before = asyncCalls;
                handler.accept(result, failure);
                if (failure == null && asyncCalls == before) {
                    signalsItself = true;
                    Set.copyOf(ctx.registeredReaders().keySet()).forEach(this::signalNoMoreSplits);
                }
            });
        }

        @Override
        public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler, long initialDelay,
                                  long period) {
            discoveryWatched = true; // periodic discovery: the enumerator never signals, bounded or not
            ctx.callAsync(callable, handler, initialDelay, period);
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            if (signalled.add(subtask)) {
                ctx.signalNoMoreSplits(subtask);
            }
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return ctx.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtask, SourceEvent event) {
            ctx.sendEventToSourceReader(subtask, event);
        }

        @Override
        public void sendEventToSourceReader(int subtask, int attempt, SourceEvent event) {
            ctx.sendEventToSourceReader(subtask, attempt, event);
        }

        @Override
        public int currentParallelism() {
            return ctx.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return ctx.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return ctx.registeredReadersOfAttempts();
        }

        @Override
        public void assignSplits(SplitsAssignment<KafkaPartitionSplit> assignment) {
            ctx.assignSplits(assignment);
        }

        @Override
        public void assignSplit(KafkaPartitionSplit split, int subtask) {
            ctx.assignSplit(split, subtask);
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            ctx.runInCoordinatorThread(runnable);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            ctx.setIsProcessingBacklog(isProcessingBacklog);
        }
    }

    /** The restored Kafka enumerator, signalling readers as they register once discovery is known to be empty. */
    static final class SignallingEnumerator implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
        private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator;
        private final SignallingContext ctx;

        SignallingEnumerator(SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator,
                             SignallingContext ctx) {
            this.enumerator = enumerator;
            this.ctx = ctx;
        }

        @Override
        public void start() {
            enumerator.start();
        }

        @Override
        public void addReader(int subtask) {
            ctx.readerRegistered(subtask);
            enumerator.addReader(subtask); // assigns the reader's pending splits first
            if (ctx.signalsItself) {
                ctx.signalNoMoreSplits(subtask);
            }
        }

        @Override
        public void handleSplitRequest(int subtask, String requesterHostname) {
            enumerator.handleSplitRequest(subtask, requesterHostname);
        }

        @Override
        public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtask) {
            enumerator.addSplitsBack(splits, subtask);
        }

        @Override
        public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
            return enumerator.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            enumerator.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtask, SourceEvent event) {
            enumerator.handleSourceEvent(subtask, event);
        }

        @Override
        public void close() throws java.io.IOException {
            enumerator.close();
        }
    }
}
