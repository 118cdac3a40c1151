package io.carekpi.connectors.influx;

import io.carekpi.connectors.influx.internal.InfluxSinkWriter;
import io.carekpi.connectors.influx.internal.LineStateSerializer;
import io.carekpi.connectors.influx.internal.RetryBackoff;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.connector.base.sink.writer.strategy.AIMDScalingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.CongestionControlRateLimitingStrategy;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Flink sink (Sink V2, on {@link AsyncSinkBase}) that writes records as line protocol to the
 * v1 {@code /write} endpoint of InfluxDB 1.x, or of 2.x/3.x through their v1 compatibility API,
 * with the official {@code influxdb-java} client.
 *
 * <pre>{@code
 * InfluxConnection influx = InfluxConnection.of(config.influxUrl(), "carekpi")
 *         .withCredentials(System.getenv("INFLUX_USER"), System.getenv("INFLUX_PASSWORD"));
 * snapshots.sinkTo(InfluxSink.<KpiSnapshot>builder()
 *                 .setConnection(influx)
 *                 .setElementConverter(LineProtocolConverter.kpiSnapshots())
 *                 .build())
 *         .name("influx-care-kpi").uid("influx-care-kpi");
 * }</pre>
 *
 * <h2>Semantics</h2>
 *
 * At-least-once: a checkpoint stores every line InfluxDB has not yet confirmed, the batches
 * submitted to the sender and the buffer behind them ({@link LineStateSerializer}), and a restore
 * writes them again before anything else; the checkpoint does not wait for InfluxDB. After a
 * failure, lines written since the last checkpoint are written again. Because every CareKPI point is idempotent (a snapshot
 * revision, an SLA event and a gauge reading each map to one fixed point, see
 * {@link LineProtocol}), writing again changes nothing: the effect in InfluxDB is exactly-once.
 * The exception is order: InfluxDB keeps the last write of a point, so revisions of a snapshot
 * must be written in order. The sink preserves the order of one subtask's input, retries included:
 * one sender thread per subtask writes one request at a time, the submitted batches in the order
 * submitted ({@code maxInFlightRequests}, default 32, is how many batches may wait for it), and retries a
 * failed request before any later line. The job must route all revisions of a key to the same
 * sink subtask (chain the sink to the keyed operator, or key by the snapshot's key).
 *
 * <h2>Failures</h2>
 *
 * 5xx, 408, 429 (honouring {@code Retry-After}), timeouts, refused and reset connections are
 * retried for ever with exponential backoff and jitter, the batch staying in flight meanwhile, so
 * the sink backpressures the job while InfluxDB is down and catches up when it is back. A
 * checkpoint taken while InfluxDB is slow or down holds the unwritten lines instead of waiting for
 * them; but once {@code maxInFlightRequests} batches (or four batches' worth of lines) wait for the sender, the base class holds the
 * task until one is written, and the checkpoint barrier waits with it. So checkpoints do not
 * complete during a longer outage; one longer than the checkpoint timeout fails checkpoints (and
 * the job, once more fail than {@code execution.checkpointing.tolerable-failed-checkpoints}
 * allows), after which the job restarts from its last checkpoint and loses nothing. Other 4xx fail the job with an
 * {@link InfluxSinkException} naming the cause (bad line protocol or field type conflict, wrong
 * credentials, missing database: the sink creates nothing). Points outside the retention policy are
 * dropped by InfluxDB and counted ({@code influxDroppedPoints}), since no retry could write them.
 *
 * @param <T> the record type
 */
public final class InfluxSink<T> extends AsyncSinkBase<T, String> {
    private static final long serialVersionUID = 1L;

    /** Lines that may wait for the sender, in full batches: bounds the memory of an outage. */
    static final int LINES_WAITING_IN_BATCHES = 4;

    private final InfluxConnection connection;
    private final RetryBackoff retryBackoff;

    InfluxSink(
            ElementConverter<T, String> elementConverter,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMS,
            long maxRecordSizeInBytes,
            InfluxConnection connection,
            RetryBackoff retryBackoff) {
        super(elementConverter, maxBatchSize, maxInFlightRequests, maxBufferedRequests, maxBatchSizeInBytes,
                maxTimeInBufferMS, maxRecordSizeInBytes, AsyncSinkWriterConfiguration.DEFAULT_REQUEST_TIMEOUT_MS,
                false);
        this.connection = Objects.requireNonNull(connection, "connection");
        this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
    }

    /** A builder with the defaults documented on {@link InfluxSinkBuilder}. */
    public static <T> InfluxSinkBuilder<T> builder() {
        return new InfluxSinkBuilder<>();
    }

    public InfluxConnection connection() {
        return connection;
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<String>> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<String>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<String>> recoveredState) {
        return new InfluxSinkWriter<>(getElementConverter(), context, writerConfiguration(), recoveredState,
                connection, retryBackoff);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<String>> getWriterStateSerializer() {
        return new LineStateSerializer();
    }

    /**
     * The writer's configuration. At most {@code maxInFlightRequests} batches, and at most
     * {@link #LINES_WAITING_IN_BATCHES} times {@code maxBatchSize} lines, wait for the sender (then
     * the base class holds the task); the sender retries failed requests itself, so the base class
     * sees no failure and Flink's AIMD congestion control (kept with a faster increase, a twentieth
     * of {@code maxBatchSize} per success) never shrinks a batch.
     */
    AsyncSinkWriterConfiguration writerConfiguration() {
        int increase = Math.max(10, getMaxBatchSize() / 20);
        int waitingLines = getMaxBatchSize() * LINES_WAITING_IN_BATCHES;
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .setRequestTimeoutMS(getRequestTimeoutMS())
                .setFailOnTimeout(getFailOnTimeout())
                .setRateLimitingStrategy(CongestionControlRateLimitingStrategy.builder()
                        .setMaxInFlightRequests(getMaxInFlightRequests())
                        .setInitialMaxInFlightMessages(waitingLines)
                        .setScalingStrategy(AIMDScalingStrategy.builder(waitingLines)
                                .setIncreaseRate(increase)
                                .setDecreaseFactor(0.5)
                                .build())
                        .build())
                .build();
    }
}
