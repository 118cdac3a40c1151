package io.carekpi.grafana;

import io.carekpi.connectors.influx.LineProtocol;
import io.carekpi.kpi.Counter;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * What the engine writes to InfluxDB, derived rather than listed: one record of each output type
 * ({@code KpiSnapshot}, {@code SlaEvent}, {@code QueueGauge}) with every field of its Avro schema
 * set, written by {@link LineProtocol} exactly as the sink writes it, and read back as measurement,
 * tag keys and field keys. A field added to a schema or a tag added to the line protocol shows up
 * here without a change.
 */
final class EngineOutputs {
    /** Measurement to its tag keys. */
    final Map<String, Set<String>> tags = new LinkedHashMap<>();
    /** Measurement to its field keys. */
    final Map<String, Set<String>> fields = new LinkedHashMap<>();
    /** care_kpi fields that add up over time and groupings: the counters, except the max. */
    final Set<String> additiveKpiFields;
    /** care_kpi fields that are per-window ratios: the schema's nullable doubles (avg_*, *_rate, ...). */
    final Set<String> derivedRatioKpiFields;
    /** care_kpi fields that do not add up: ratios, percentiles, maxima, revision, is_final. */
    final Set<String> nonAdditiveKpiFields;

    private EngineOutputs() {
        read(LineProtocol.kpi(filled(new KpiSnapshot())));
        read(LineProtocol.sla(filled(new SlaEvent())));
        read(LineProtocol.queue(filled(new QueueGauge())));
        additiveKpiFields = Arrays.stream(Counter.all()).filter(c -> c != Counter.FRT_MAX_MS).map(Counter::field)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        derivedRatioKpiFields = KpiSnapshot.getClassSchema().getFields().stream()
                .filter(f -> nonNull(f.schema()).getType() == Schema.Type.DOUBLE)
                .map(Schema.Field::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        nonAdditiveKpiFields = fields.get(LineProtocol.KPI_MEASUREMENT).stream()
                .filter(f -> !additiveKpiFields.contains(f))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static EngineOutputs derive() {
        return new EngineOutputs();
    }

    Set<String> measurements() {
        return fields.keySet();
    }

    boolean hasTagOrField(String measurement, String name) {
        return tags.getOrDefault(measurement, Set.of()).contains(name)
                || fields.getOrDefault(measurement, Set.of()).contains(name);
    }

    /** Sets every field of the record to a value of its schema type (the non-null branch of unions). */
    private static <T extends SpecificRecordBase> T filled(T record) {
        for (Schema.Field f : record.getSchema().getFields()) {
            record.put(f.pos(), sample(nonNull(f.schema())));
        }
        return record;
    }

    private static Object sample(Schema s) {
        return switch (s.getType()) {
            case STRING -> "x1";
            case LONG -> s.getLogicalType() instanceof LogicalTypes.TimestampMillis
                    ? Instant.parse("2026-03-02T10:00:00Z") : 7L;
            case INT -> 7;
            case DOUBLE -> 0.5;
            case FLOAT -> 0.5f;
            case BOOLEAN -> true;
            case ENUM -> SpecificData.get().createEnum(s.getEnumSymbols().get(0), s);
            default -> throw new IllegalStateException("no sample value for a " + s);
        };
    }

    private static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) {
            return s;
        }
        return s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }

    /** Reads measurement, tag keys and field keys of a line (the sample values hold no space or comma). */
    private void read(String line) {
        String[] parts = line.split(" ");
        if (parts.length != 3) {
            throw new IllegalStateException("unexpected line protocol: " + line);
        }
        String[] series = parts[0].split(",");
        Set<String> t = tags.computeIfAbsent(series[0], m -> new LinkedHashSet<>());
        for (int i = 1; i < series.length; i++) {
            t.add(series[i].substring(0, series[i].indexOf('=')));
        }
        Set<String> f = fields.computeIfAbsent(series[0], m -> new LinkedHashSet<>());
        for (String field : parts[1].split(",")) {
            f.add(field.substring(0, field.indexOf('=')));
        }
    }
}
