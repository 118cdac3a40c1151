package io.carekpi.connectors.influx.internal;

import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.influx.InfluxSinkException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.DequeRequestBuffer;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.SimpleBatchCreator;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.influxdb.InfluxDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches of lines to InfluxDB's v1 {@code /write}. The official client is synchronous, so
 * each batch is written on a small executor of this writer (one thread per allowed in-flight
 * request) and the {@link ResultHandler} is completed from there; the task thread never blocks on
 * the network. A batch that fails transiently stays in flight during its backoff delay and is then
 * handed back with {@link ResultHandler#retryForEntries}, which puts it at the head of the buffer:
 * with one request in flight, lines therefore reach InfluxDB in the order they entered the sink,
 * which keeps the latest revision of a snapshot the one InfluxDB holds.
 *
 * <p>Metrics (in the sink writer's metric group): the built-in {@code numRecordsOut} and
 * {@code numBytesOut} (every attempt, retries included), {@code numRecordsSendErrors} (lines of
 * every failed attempt, so a batch retried three times counts three times) and
 * {@code currentSendTime}, plus {@code influxRetries}
 * (failed attempts that will be retried), {@code influxRetriedPoints}, {@code influxDroppedPoints}
 * (outside the retention policy, never written), and the gauge {@code influxConsecutiveFailures}
 * (0 while InfluxDB is healthy; alert on it staying above 0).
 */
public final class InfluxSinkWriter<T> extends AsyncSinkWriter<T, String> {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxSinkWriter.class);

    private final InfluxConnection connection;
    private final RetryBackoff backoff;
    private final InfluxDB client;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong lastFailureLogMillis = new AtomicLong();

    private final Object sendErrorsLock = new Object();
    private final Counter sendErrors;
    private final Counter retries;
    private final Counter retriedPoints;
    private final Counter droppedPoints;

    public InfluxSinkWriter(
            ElementConverter<T, String> elementConverter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration configuration,
            Collection<BufferedRequestState<String>> states,
            InfluxConnection connection,
            RetryBackoff backoff) {
        // The batch creator and buffer are the base class's defaults, passed explicitly because the
        // constructor that picks them itself is deprecated in Flink 2.x.
        super(elementConverter, context, configuration, states,
                new SimpleBatchCreator<>(configuration.getMaxBatchSizeInBytes()), new DequeRequestBuffer<>());
        this.connection = connection;
        this.backoff = backoff;
        this.client = InfluxClients.connect(connection);
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.executor = new ScheduledThreadPoolExecutor(configuration.getMaxInFlightRequests(), runnable -> {
            Thread t = new Thread(runnable, "influx-sink-" + connection.database() + "-" + subtask);
            t.setDaemon(true);
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);

        SinkWriterMetricGroup metrics = context.metricGroup();
        this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
        this.retries = metrics.counter("influxRetries", new ThreadSafeSimpleCounter());
        this.retriedPoints = metrics.counter("influxRetriedPoints", new ThreadSafeSimpleCounter());
        this.droppedPoints = metrics.counter("influxDroppedPoints", new ThreadSafeSimpleCounter());
        metrics.gauge("influxConsecutiveFailures", consecutiveFailures::get);
    }

    @Override
    protected void submitRequestEntries(List<String> lines, ResultHandler<String> handler) {
        try {
            executor.execute(() -> send(lines, handler));
        } catch (RejectedExecutionException closing) {
            // Only after close(): the task is going away and its in-flight batch with it.
            handler.retryForEntries(lines);
        }
    }

    private void send(List<String> lines, ResultHandler<String> handler) {
        try {
            client.write(connection.database(), connection.retentionPolicy(), InfluxDB.ConsistencyLevel.ONE,
                    TimeUnit.NANOSECONDS, String.join("\n", lines));
            if (consecutiveFailures.getAndSet(0) > 0) {
                LOG.info("InfluxDB {} accepts writes again", connection.url());
            }
            handler.complete();
        } catch (Exception e) {
            onFailure(lines, handler, e);
        }
    }

    private void onFailure(List<String> lines, ResultHandler<String> handler, Exception e) {
        WriteFailure failure = WriteFailureClassifier.classify(e);
        switch (failure.action()) {
            case RETRY -> {
                countSendErrors(lines.size());
                retries.inc();
                retriedPoints.inc(lines.size());
                int n = consecutiveFailures.incrementAndGet();
                long delay = backoff.delayMillis(n, failure.retryAfterMillis());
                logRetry(lines.size(), n, delay, failure);
                try {
                    executor.schedule(() -> handler.retryForEntries(lines), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closing) {
                    handler.retryForEntries(lines);
                }
            }
            case DROP -> {
                long dropped = failure.droppedPoints() >= 0 ? failure.droppedPoints() : lines.size();
                countSendErrors(dropped);
                droppedPoints.inc(dropped);
                consecutiveFailures.set(0);
                LOG.warn("{} of {} points not written to InfluxDB database '{}': {}", dropped, lines.size(),
                        connection.database(), failure.reason());
                handler.complete();
            }
            case FAIL -> {
                countSendErrors(lines.size());
                String message = "InfluxDB at " + connection.url() + " refused a write of " + lines.size()
                        + " points to database '" + connection.database() + "'"
                        + (connection.retentionPolicy() == null ? "" : ", retention policy '" + connection.retentionPolicy() + "'")
                        + "; not retried: " + failure.reason();
                LOG.error(message);
                handler.completeExceptionally(new InfluxSinkException(message, failure.httpStatus(), e));
            }
        }
    }

    /** First failure of a streak and then at most one line every 30 s: an outage is not a log flood. */
    private void logRetry(int points, int attempt, long delayMillis, WriteFailure failure) {
        long now = System.currentTimeMillis();
        long last = lastFailureLogMillis.get();
        if (attempt == 1 || (now - last >= 30_000 && lastFailureLogMillis.compareAndSet(last, now))) {
            lastFailureLogMillis.set(now);
            LOG.warn("Write of {} points to InfluxDB {} failed ({} consecutive failures), retrying in {} ms: {}",
                    points, connection.url(), attempt, delayMillis, failure.reason());
        }
    }

    /** The built-in counter is not thread-safe; our executor threads share it. */
    private void countSendErrors(long n) {
        synchronized (sendErrorsLock) {
            sendErrors.inc(n);
        }
    }

    @Override
    protected long getSizeInBytes(String line) {
        return utf8Length(line) + 1; // + the newline that separates it from the next line
    }

    static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        super.close();
    }
}
