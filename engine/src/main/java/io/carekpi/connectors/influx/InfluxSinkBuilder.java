package io.carekpi.connectors.influx;

import io.carekpi.connectors.influx.internal.RetryBackoff;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.connector.base.sink.AsyncSinkBaseBuilder;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * Builds an {@link InfluxSink}. Required: {@link #setConnection} and {@link #setElementConverter}.
 * Every other option has a default chosen for CareKPI's outputs (about 1.5 KB per
 * {@code care_kpi} line, a few hundred bytes per SLA event or gauge, dashboards refreshed every
 * few seconds):
 *
 * <table>
 *   <caption>defaults</caption>
 *   <tr><th>option</th><th>default</th></tr>
 *   <tr><td>{@link #setMaxBatchSize maxBatchSize}</td><td>{@value #DEFAULT_MAX_BATCH_SIZE} points</td></tr>
 *   <tr><td>{@link #setMaxBatchSizeInBytes maxBatchSizeInBytes}</td><td>4 MiB</td></tr>
 *   <tr><td>{@link #setMaxInFlightRequests maxInFlightRequests}</td><td>{@value #DEFAULT_MAX_IN_FLIGHT_REQUESTS}</td></tr>
 *   <tr><td>{@link #setMaxBufferedRequests maxBufferedRequests}</td><td>{@value #DEFAULT_MAX_BUFFERED_REQUESTS} lines</td></tr>
 *   <tr><td>{@link #setMaxTimeInBufferMS maxTimeInBufferMS}</td><td>{@value #DEFAULT_MAX_TIME_IN_BUFFER_MS} ms</td></tr>
 *   <tr><td>{@link #setMaxRecordSizeInBytes maxRecordSizeInBytes}</td><td>256 KiB</td></tr>
 *   <tr><td>{@link #setRetryBackoff retryBackoff}</td><td>200 ms doubling up to 30 s, jittered</td></tr>
 * </table>
 *
 * @param <T> the record type
 */
public final class InfluxSinkBuilder<T> extends AsyncSinkBaseBuilder<T, String, InfluxSinkBuilder<T>> {
    public static final int DEFAULT_MAX_BATCH_SIZE = 5_000;
    public static final long DEFAULT_MAX_BATCH_SIZE_IN_BYTES = 4L * 1024 * 1024;
    /** Batches that may wait for the sender (it writes them in order, one request at a time). */
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 32;
    public static final int DEFAULT_MAX_BUFFERED_REQUESTS = 20_000;
    public static final long DEFAULT_MAX_TIME_IN_BUFFER_MS = 1_000;
    public static final long DEFAULT_MAX_RECORD_SIZE_IN_BYTES = 256L * 1024;
    public static final Duration DEFAULT_RETRY_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofSeconds(30);

    private InfluxConnection connection;
    private ElementConverter<T, String> elementConverter;
    private RetryBackoff retryBackoff = new RetryBackoff(DEFAULT_RETRY_INITIAL_BACKOFF, DEFAULT_RETRY_MAX_BACKOFF);

    InfluxSinkBuilder() {}

    /** Where to write; see {@link InfluxConnection} for credentials, timeouts and gzip. */
    public InfluxSinkBuilder<T> setConnection(InfluxConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        return this;
    }

    /** Record to line, e.g. {@link LineProtocolConverter#kpiSnapshots()}. */
    public InfluxSinkBuilder<T> setElementConverter(ElementConverter<T, String> elementConverter) {
        this.elementConverter = Objects.requireNonNull(elementConverter, "elementConverter");
        return this;
    }

    /**
     * Most points per request (default {@value #DEFAULT_MAX_BATCH_SIZE}, InfluxData's recommended
     * batch size). Larger batches cost fewer requests and less server CPU per point but more
     * memory per request and a larger unit of retry; {@code maxBatchSizeInBytes} may cut a batch
     * shorter.
     */
    @Override
    public InfluxSinkBuilder<T> setMaxBatchSize(int maxBatchSize) {
        return super.setMaxBatchSize(maxBatchSize);
    }

    /**
     * Most bytes of line protocol per request (default 4 MiB, far under InfluxDB 1.x's default
     * {@code max-body-size} of 25 MB and under the limits of hosted InfluxDB). A line counts its
     * characters (its bytes when ASCII; non-ASCII text is sent as up to three bytes per character).
     * A request over the server's limit fails the job with HTTP 413, so lower this rather than raise it.
     */
    @Override
    public InfluxSinkBuilder<T> setMaxBatchSizeInBytes(long maxBatchSizeInBytes) {
        return super.setMaxBatchSizeInBytes(maxBatchSizeInBytes);
    }

    /**
     * Batches that may wait for the subtask's sender (default {@value #DEFAULT_MAX_IN_FLIGHT_REQUESTS})
     * before the sink holds its task. The sender writes them in order, as many as fit joined into
     * one request, one request at a time, so this is not a number of concurrent requests: a short
     * {@code maxTimeInBufferMS} makes many small batches that queue while a request is answered.
     * The lines waiting for the sender are limited on their own, to four times
     * {@code maxBatchSize}.
     */
    @Override
    public InfluxSinkBuilder<T> setMaxInFlightRequests(int maxInFlightRequests) {
        return super.setMaxInFlightRequests(maxInFlightRequests);
    }

    /**
     * Lines buffered per subtask before the sink backpressures the job (default
     * {@value #DEFAULT_MAX_BUFFERED_REQUESTS}, about 30 MB of {@code care_kpi} lines at most). It is
     * also the bound of the sink's checkpointed state. Must exceed {@code maxBatchSize}.
     */
    @Override
    public InfluxSinkBuilder<T> setMaxBufferedRequests(int maxBufferedRequests) {
        return super.setMaxBufferedRequests(maxBufferedRequests);
    }

    /**
     * Longest a line waits in the buffer for a batch to fill (default
     * {@value #DEFAULT_MAX_TIME_IN_BUFFER_MS} ms). It adds directly to what a wallboard lags
     * behind; lower values mean more, smaller requests at low traffic.
     */
    @Override
    public InfluxSinkBuilder<T> setMaxTimeInBufferMS(long maxTimeInBufferMS) {
        return super.setMaxTimeInBufferMS(maxTimeInBufferMS);
    }

    /**
     * Largest single line (default 256 KiB); a larger one fails the job, as it indicates a broken
     * converter rather than data worth writing. Must not exceed {@code maxBatchSizeInBytes}.
     */
    @Override
    public InfluxSinkBuilder<T> setMaxRecordSizeInBytes(long maxRecordSizeInBytes) {
        return super.setMaxRecordSizeInBytes(maxRecordSizeInBytes);
    }

    /**
     * Delay between attempts of a failed batch: {@code initial} after the first failure, doubling
     * up to {@code max}, each jittered down by up to half, and never shorter than the server's
     * {@code Retry-After} (capped at 5 min). Short delays recover sooner after a blip; long ones
     * spare a struggling server. The batch occupies its in-flight slot while it waits, so the sink
     * backpressures instead of buffering without bound.
     */
    public InfluxSinkBuilder<T> setRetryBackoff(Duration initial, Duration max) {
        this.retryBackoff = new RetryBackoff(initial, max);
        return this;
    }

    @Override
    public InfluxSink<T> build() {
        if (connection == null) {
            throw new IllegalStateException("InfluxSink needs setConnection(...)");
        }
        if (elementConverter == null) {
            throw new IllegalStateException("InfluxSink needs setElementConverter(...)");
        }
        int batch = Objects.requireNonNullElse(getMaxBatchSize(), DEFAULT_MAX_BATCH_SIZE);
        int inFlight = Objects.requireNonNullElse(getMaxInFlightRequests(), DEFAULT_MAX_IN_FLIGHT_REQUESTS);
        int buffered = Objects.requireNonNullElse(getMaxBufferedRequests(), DEFAULT_MAX_BUFFERED_REQUESTS);
        long batchBytes = Objects.requireNonNullElse(getMaxBatchSizeInBytes(), DEFAULT_MAX_BATCH_SIZE_IN_BYTES);
        long timeInBuffer = Objects.requireNonNullElse(getMaxTimeInBufferMS(), DEFAULT_MAX_TIME_IN_BUFFER_MS);
        long recordBytes = Objects.requireNonNullElse(getMaxRecordSizeInBytes(), DEFAULT_MAX_RECORD_SIZE_IN_BYTES);
        // Checked here, on the client, rather than by AsyncSinkWriter when the job is already deployed.
        if (batch <= 0 || inFlight <= 0 || buffered <= 0 || batchBytes <= 0 || timeInBuffer <= 0 || recordBytes <= 0) {
            throw new IllegalArgumentException("InfluxSink sizes and times must be positive");
        }
        if (buffered <= batch) {
            throw new IllegalArgumentException("maxBufferedRequests (" + buffered
                    + ") must be greater than maxBatchSize (" + batch + ")");
        }
        if (recordBytes > batchBytes) {
            throw new IllegalArgumentException("maxRecordSizeInBytes (" + recordBytes
                    + ") must not exceed maxBatchSizeInBytes (" + batchBytes + ")");
        }
        return new InfluxSink<>(elementConverter, batch, inFlight, buffered, batchBytes, timeInBuffer, recordBytes,
                connection, retryBackoff);
    }
}
