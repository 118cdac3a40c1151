package io.carekpi.connectors.influx.internal;

import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.influx.InfluxSinkException;
import java.util.Collection;
import java.util.List;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.DequeRequestBuffer;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
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
 * Sends batches of lines to InfluxDB's v1 {@code /write}, in the order they entered the sink, which
 * keeps the latest revision of a snapshot the one InfluxDB holds. The official client is
 * synchronous, so one sender thread of this writer does the writing: the batches the base class
 * submits queue for it (up to {@code maxInFlightRequests} of them, then the base class holds the
 * task: backpressure), and it writes all that wait in one request, one request at a time, retrying
 * a request that fails transiently in place, with backoff, before any later line. The task thread
 * never waits for InfluxDB except when the queue is full or at the end of input: a checkpoint
 * stores the unanswered lines instead of waiting for them ({@link #flush}). Before 2026-11-30 one
 * batch at a time was in flight, and the base class's buffer-time flush, which waits while a
 * request is in flight without taking input, held the window stage (and its Kafka output) for as
 * long as InfluxDB took to answer.
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
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Every submitted batch InfluxDB has not yet answered, oldest first (guarded by itself). */
    private final ArrayDeque<Pending> unanswered = new ArrayDeque<>();
    private final Thread sender;
    private volatile boolean closing;
    /** At most this many lines go in one request (the queued batches are joined up to it). */
    private final int maxLinesPerRequest;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong lastFailureLogMillis = new AtomicLong();

    /** The built-in (not thread-safe) counter: only the sender thread counts on it. */
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
        this.maxLinesPerRequest = configuration.getMaxBatchSize();
        this.sender = new Thread(this::sendLoop, "influx-sink-" + connection.database() + "-" + subtask);
        this.sender.setDaemon(true);

        SinkWriterMetricGroup metrics = context.metricGroup();
        this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
        this.retries = metrics.counter("influxRetries", new ThreadSafeSimpleCounter());
        this.retriedPoints = metrics.counter("influxRetriedPoints", new ThreadSafeSimpleCounter());
        this.droppedPoints = metrics.counter("influxDroppedPoints", new ThreadSafeSimpleCounter());
        metrics.gauge("influxConsecutiveFailures", consecutiveFailures::get);
        this.sender.start();
    }

    /** A submitted batch waiting for the sender, and how to tell the base class it is done. */
    private record Pending(List<String> lines, ResultHandler<String> handler) {}

    @Override
    protected void submitRequestEntries(List<String> lines, ResultHandler<String> handler) {
        if (closing) {
            handler.retryForEntries(lines); // the task is going away, and its unsent lines with it
            return;
        }
        Pending pending = new Pending(lines, handler);
        synchronized (unanswered) {
            unanswered.addLast(pending);
        }
        queue.add(pending);
    }

    /**
     * Before a checkpoint the base class would wait until InfluxDB answered every submitted batch,
     * holding the task (and the operators chained to it) for as long as InfluxDB takes: seconds
     * when it compacts, the whole outage when it is down. It need not: {@link #snapshotState} stores
     * the unanswered lines in the checkpoint, and a restore writes them again (every point is an
     * idempotent overwrite, and they are written before anything the restored job emits, so order
     * holds). Only at the end of input does the writer wait for InfluxDB.
     */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        if (endOfInput) {
            super.flush(true);
        }
    }

    /**
     * The lines InfluxDB has not confirmed, oldest first: the submitted batches not yet answered,
     * then the base class's buffer. A batch being written while the snapshot is taken is in it, and
     * may be written twice after a restore, which changes nothing.
     */
    @Override
    public List<BufferedRequestState<String>> snapshotState(long checkpointId) {
        List<RequestEntryWrapper<String>> submitted = new ArrayList<>();
        synchronized (unanswered) {
            for (Pending p : unanswered) {
                for (String line : p.lines()) {
                    submitted.add(new RequestEntryWrapper<>(line, getSizeInBytes(line)));
                }
            }
        }
        List<BufferedRequestState<String>> state = new ArrayList<>();
        state.add(new BufferedRequestState<>(submitted));
        state.addAll(super.snapshotState(checkpointId));
        return state;
    }

    /**
     * InfluxDB answered these: they leave the checkpointed set. The sender takes batches in the
     * order submitted and answers them in that order, so they are always the oldest unanswered.
     */
    private void answered(List<Pending> request) {
        synchronized (unanswered) {
            for (Pending p : request) {
                if (unanswered.pollFirst() != p) {
                    throw new IllegalStateException("InfluxDB sink: a batch was answered out of order");
                }
            }
        }
    }

    /** The sender: takes what waits, in order, and writes it until it is written, dropped or refused. */
    private void sendLoop() {
        List<Pending> request = new ArrayList<>();
        try {
            while (!closing) {
                request.clear();
                request.add(queue.take());
                int lines = request.get(0).lines().size();
                for (Pending next = queue.peek(); next != null && lines + next.lines().size() <= maxLinesPerRequest;
                     next = queue.peek()) {
                    request.add(queue.poll());
                    lines += next.lines().size();
                }
                send(request, lines);
            }
        } catch (InterruptedException closed) {
            Thread.currentThread().interrupt(); // close(): the task is going away
        }
    }

    private void send(List<Pending> request, int lineCount) throws InterruptedException {
        StringBuilder body = new StringBuilder();
        for (Pending p : request) {
            for (String line : p.lines()) {
                if (body.length() > 0) {
                    body.append('\n');
                }
                body.append(line);
            }
        }
        String text = body.toString();
        while (true) {
            try {
                client.write(connection.database(), connection.retentionPolicy(), InfluxDB.ConsistencyLevel.ONE,
                        TimeUnit.NANOSECONDS, text);
                if (consecutiveFailures.getAndSet(0) > 0) {
                    LOG.info("InfluxDB {} accepts writes again", connection.url());
                }
                answered(request);
                request.forEach(p -> p.handler().complete());
                return;
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted() || closing) {
                    throw new InterruptedException("closing");
                }
                if (!onFailure(request, lineCount, e)) {
                    return;
                }
            }
        }
    }

    /** Handles a failed write; true when it is to be tried again (after the backoff, slept here). */
    private boolean onFailure(List<Pending> request, int lines, Exception e) throws InterruptedException {
        WriteFailure failure = WriteFailureClassifier.classify(e);
        switch (failure.action()) {
            case RETRY -> {
                sendErrors.inc(lines);
                retries.inc();
                retriedPoints.inc(lines);
                int n = consecutiveFailures.incrementAndGet();
                long delay = backoff.delayMillis(n, failure.retryAfterMillis());
                logRetry(lines, n, delay, failure);
                Thread.sleep(delay);
                return true;
            }
            case DROP -> {
                long dropped = failure.droppedPoints() >= 0 ? failure.droppedPoints() : lines;
                sendErrors.inc(dropped);
                droppedPoints.inc(dropped);
                consecutiveFailures.set(0);
                LOG.warn("{} of {} points not written to InfluxDB database '{}': {}", dropped, lines,
                        connection.database(), failure.reason());
                answered(request);
                request.forEach(p -> p.handler().complete());
                return false;
            }
            default -> { // FAIL
                sendErrors.inc(lines);
                String message = "InfluxDB at " + connection.url() + " refused a write of " + lines
                        + " points to database '" + connection.database() + "'"
                        + (connection.retentionPolicy() == null ? "" : ", retention policy '" + connection.retentionPolicy() + "'")
                        + "; not retried: " + failure.reason();
                LOG.error(message);
                InfluxSinkException failed = new InfluxSinkException(message, failure.httpStatus(), e);
                request.forEach(p -> p.handler().completeExceptionally(failed));
                return false;
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

    @Override
    protected long getSizeInBytes(String line) {
        return sizeOf(line);
    }

    /**
     * What a line counts against the batch and record limits: its length in UTF-16 units plus the
     * newline, which is its size in bytes for ASCII lines (nearly all of CareKPI's). A line with
     * non-ASCII tag values is sent as up to three times as many bytes as it counts, which the
     * defaults allow for (a batch counted at 4 MiB is at most 12 MiB sent, under InfluxDB's 25 MB).
     * Counting exact UTF-8 bytes, char by char, took a third of the window stage's samples in a
     * profile of the end-to-end benchmark (2026-11-30).
     */
    public static long sizeOf(String line) {
        return line.length() + 1L;
    }

    @Override
    public void close() {
        closing = true;
        sender.interrupt();
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        super.close();
    }
}
