package io.carekpi.flink;

import io.carekpi.config.EngineConfig;
import io.carekpi.config.WindowSpec;
import io.carekpi.kpi.Dimensions;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The local half of a local-global aggregation, in front of the window stage's shuffle: fans each
 * fact out to its groupings ({@link Dimensions}) and sums the copies per grouping and cell (the
 * window of every configured size a fact falls in), so the window stage receives one
 * {@link WindowCell} per grouping and cell instead of one record per fact and grouping.
 *
 * <p>Exactly the window stage's results, because the sums are flushed downstream
 * <ul>
 *   <li>before every watermark is forwarded: a window stage timer (a window's end, its retention)
 *       never fires with facts of its window still here, and a sum is never late downstream — the
 *       window stage's watermark is at most the last one forwarded from here, under which every
 *       summed fact was checked in time;</li>
 *   <li>before every checkpoint barrier ({@code prepareSnapshotPreBarrier}): nothing is buffered
 *       across a checkpoint, so the operator has no state and exactly-once holds;</li>
 *   <li>at the end of the input, and when {@value #MAX_CELLS} cells are buffered (bounded memory,
 *       and BATCH execution, which has no watermark before the end).</li>
 * </ul>
 * A fact already too late here for the window of some size (its window's retention has passed
 * the watermark) is passed on at once in a cell of its own, once per grouping, carrying the fact
 * for the window stage to route to its late-facts output as it always has. In live mode,
 * watermarks every 200 ms bound the delay this adds.
 */
public final class PreAggregator extends AbstractStreamOperator<WindowCell>
        implements OneInputStreamOperator<KpiFact, WindowCell>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    static final int MAX_CELLS = 10_000;

    private final List<WindowSpec> windows;
    private final long retentionMs;

    private transient Map<Cell, KpiCounters> cells;
    private transient long watermark;
    /** The last window computed per size: most facts fall in the window of the fact before. */
    private transient long[] lastStart;
    private transient long[] lastEnd;

    public PreAggregator(EngineConfig config) {
        this.windows = List.copyOf(config.windows);
        this.retentionMs = config.kpiRetention.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        cells = new HashMap<>();
        watermark = Long.MIN_VALUE;
        lastStart = new long[windows.size()];
        lastEnd = new long[windows.size()];
        Arrays.fill(lastEnd, Long.MIN_VALUE);
    }

    @Override
    public void processElement(StreamRecord<KpiFact> record) throws Exception {
        KpiFact f = record.getValue();
        long[] starts = new long[windows.size()];
        boolean late = false;
        for (int i = 0; i < starts.length; i++) {
            if (f.at < lastStart[i] || f.at >= lastEnd[i]) {
                WindowSpec w = windows.get(i);
                lastStart[i] = w.startOf(f.at);
                lastEnd[i] = w.endOf(lastStart[i]);
            }
            starts[i] = lastStart[i];
            late |= lastEnd[i] - 1 + retentionMs <= watermark;
        }
        if (late) {
            Dimensions.forEachGrouping(f, (channel, agent, queue) ->
                    output.collect(new StreamRecord<>(WindowCell.ofLateFact(f.withDimensions(channel, agent, queue),
                            starts))));
            return;
        }
        Dimensions.forEachGrouping(f, (channel, agent, queue) ->
                cells.computeIfAbsent(new Cell(channel, agent, queue, starts), c -> new KpiCounters()).apply(f));
        if (cells.size() >= MAX_CELLS) {
            flush();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        for (Map.Entry<Cell, KpiCounters> e : cells.entrySet()) {
            Cell c = e.getKey();
            output.collect(new StreamRecord<>(WindowCell.summed(c.channel, c.agent, c.queue, c.starts, e.getValue())));
        }
        cells.clear();
    }

    /** A grouping and the windows (one per size) its facts fall in. */
    private static final class Cell {
        final String channel;
        final String agent;
        final String queue;
        final long[] starts;
        private final int hash;

        Cell(String channel, String agent, String queue, long[] starts) {
            this.channel = channel;
            this.agent = agent;
            this.queue = queue;
            this.starts = starts;
            this.hash = 31 * Objects.hash(channel, agent, queue) + Arrays.hashCode(starts);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cell c && hash == c.hash && Arrays.equals(starts, c.starts)
                    && Objects.equals(channel, c.channel) && Objects.equals(agent, c.agent)
                    && Objects.equals(queue, c.queue);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
