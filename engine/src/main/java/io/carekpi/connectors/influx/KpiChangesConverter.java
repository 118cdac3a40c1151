package io.carekpi.connectors.influx;

import io.carekpi.schema.KpiSnapshot;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * The {@code care_kpi} converter of the live job: a snapshot's line carries {@code revision},
 * {@code is_final} and only the fields that changed since the sink subtask last wrote the same
 * point; InfluxDB merges them into the point it holds ({@link LineProtocol}, "Field merge"). A
 * revision changes a few of the ~70 fields, so InfluxDB parses, indexes and stores a fraction of
 * what full lines cost it, and the window stage formats a fraction of the numbers.
 *
 * <p>What it remembers is memory only, per sink subtask: the field values last written for up to
 * {@code rememberedPoints} points, the least recently written forgotten first. A point it does not
 * remember (the first revision, one forgotten, every point after a restart or restore) is written
 * in full, and so is every final revision, after which the point is forgotten: whatever happened
 * to InfluxDB meanwhile, a window's final point holds every field. The lines of a checkpoint's
 * sink state were converted before it and are written again as they were, before anything the
 * restored job emits, so a changed-fields line always lands on the point it was computed against.
 * All revisions of a point must reach the same sink subtask (as {@link InfluxSink} requires anyway
 * for their order).
 */
public final class KpiChangesConverter implements ElementConverter<KpiSnapshot, String> {
    private static final long serialVersionUID = 1L;

    /** Points remembered per sink subtask by default: about 1.5 KB each, some 30 MB at most. */
    public static final int DEFAULT_REMEMBERED_POINTS = 20_000;

    private final int rememberedPoints;
    private transient Map<Point, Object[]> written;

    public KpiChangesConverter() {
        this(DEFAULT_REMEMBERED_POINTS);
    }

    public KpiChangesConverter(int rememberedPoints) {
        if (rememberedPoints < 0) {
            throw new IllegalArgumentException("rememberedPoints must not be negative: " + rememberedPoints);
        }
        this.rememberedPoints = rememberedPoints;
    }

    /** A {@code care_kpi} point: its tags and timestamp. */
    private record Point(String window, Instant start, String channel, String agent, String queue) {}

    @Override
    public String apply(KpiSnapshot s, SinkWriter.Context context) {
        if (written == null) {
            written = new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Point, Object[]> eldest) {
                    return size() > rememberedPoints;
                }
            };
        }
        Point point = new Point(s.getWindow(), s.getWindowStart(), s.getChannel(), s.getAgent(), s.getQueue());
        Object[] values = LineProtocol.kpiValues(s);
        if (s.getIsFinal()) {
            written.remove(point);
            return LineProtocol.kpi(s, values, null);
        }
        String line = LineProtocol.kpi(s, values, written.get(point));
        written.put(point, values);
        return line;
    }
}
