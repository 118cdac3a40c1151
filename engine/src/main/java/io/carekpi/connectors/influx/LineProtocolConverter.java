package io.carekpi.connectors.influx;

import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The {@link ElementConverter} of {@link InfluxSink}: one record to one line of line protocol.
 * The conversion happens on the task thread as the record enters the sink's buffer, so the buffer
 * (and the checkpointed sink state) holds ready-to-send lines.
 *
 * @param <T> the record type
 */
public final class LineProtocolConverter<T> implements ElementConverter<T, String> {
    private static final long serialVersionUID = 1L;

    private final SerializableFunction<T, String> toLine;

    private LineProtocolConverter(SerializableFunction<T, String> toLine) {
        this.toLine = Objects.requireNonNull(toLine, "toLine");
    }

    /** A converter from any function that returns one complete line (no trailing newline). */
    public static <T> LineProtocolConverter<T> of(SerializableFunction<T, String> toLine) {
        return new LineProtocolConverter<>(toLine);
    }

    /** {@code care_kpi}, see {@link LineProtocol#kpi(KpiSnapshot)}. */
    public static LineProtocolConverter<KpiSnapshot> kpiSnapshots() {
        return of(LineProtocol::kpi);
    }

    /** {@code care_sla}, see {@link LineProtocol#sla(SlaEvent)}. */
    public static LineProtocolConverter<SlaEvent> slaEvents() {
        return of(LineProtocol::sla);
    }

    /** {@code care_queue}, see {@link LineProtocol#queue(QueueGauge)}. */
    public static LineProtocolConverter<QueueGauge> queueGauges() {
        return of(LineProtocol::queue);
    }

    @Override
    public String apply(T element, SinkWriter.Context context) {
        String line = toLine.apply(element);
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("The line protocol converter returned no line for " + element);
        }
        return line;
    }
}
