package io.carekpi.connectors.influx;

import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * The CareKPI outputs as InfluxDB line protocol (SPEC section 5), one line per record, in the
 * subset of the syntax that InfluxDB 1.x, 2.x (v1 compatibility API) and 3.x parse the same way.
 * Plain Java: no Flink types; {@link LineProtocolConverter} adapts it to the sink.
 *
 * <h2>Measurements</h2>
 *
 * <pre>
 * care_kpi,agent=&lt;a&gt;,channel=&lt;c&gt;,queue=&lt;q&gt;,window=&lt;w&gt; revision=7i,is_final=false,opened=12i,...,avg_frt_ms=1234.5 &lt;windowStart ns&gt;
 * care_sla,agent=&lt;a&gt;,channel=&lt;c&gt;,clock=&lt;k&gt;,queue=&lt;q&gt;,status=&lt;s&gt; threshold_ms=60000i,overrun_ms=0i,deadline=&lt;ms&gt;i,conversation_id="..",sla_event_id=".." &lt;emittedFor ns + offset&gt;
 * care_queue,channel=&lt;c&gt;,queue=&lt;q&gt; waiting=3i,oldest_wait_ms=45000i &lt;asOf ns&gt;
 * </pre>
 *
 * <p>Tags are written sorted by key (InfluxDB's recommendation; it sorts them anyway). Timestamps
 * are nanoseconds since the epoch, so lines must be written with {@code precision=n} (the
 * default of every InfluxDB version and of the official client).
 *
 * <h2>{@code care_kpi}: upserts</h2>
 *
 * A snapshot's point is identified by measurement, tag set (window, channel, agent, queue) and
 * timestamp (window start); the revision is a field. A later revision therefore overwrites the same
 * point, and re-writing a revision is idempotent. Two things keep that true:
 *
 * <ul>
 *   <li>Order: InfluxDB keeps the last write, not the highest revision. The sink must deliver the
 *       revisions of one key in order, which is why {@link InfluxSink} defaults to one request in
 *       flight and why all revisions of a key must reach the same sink subtask (key the stream, or
 *       chain the sink to the keyed window operator).
 *   <li>Field merge: InfluxDB merges the fields of a rewritten point, so a field omitted by a later
 *       revision keeps its earlier value. Nulls are omitted (line protocol has no null), which is
 *       harmless here: a percentile or ratio is null only while its denominator is zero, and
 *       denominators never shrink between revisions because facts are only ever added. The merge
 *       is documented for InfluxDB 1.x, 2.x and Cloud ("duplicate points"), and the live job
 *       relies on it: {@link KpiChangesConverter} writes a revision's changed fields only.
 * </ul>
 *
 * <p>Fields: every {@code long} of the snapshot as an integer ({@code 12i}), the percentiles as
 * integers, the derived ratios as floats (written in plain decimal notation, never exponent or
 * NaN/Infinity: a non-finite ratio is omitted), {@code revision} (integer) and {@code is_final}
 * (boolean). The field list follows the Avro schema, so a field added to {@code KpiSnapshot.avsc}
 * appears in InfluxDB without a change here; changing a field's type is a breaking change for
 * InfluxDB (a shard rejects a field whose type differs, with HTTP 400).
 *
 * <h2>{@code care_sla}: events that must not collide</h2>
 *
 * Conversation and customer identifiers are never tags (each tag value creates a series forever:
 * unbounded cardinality); {@code conversation_id} and {@code sla_event_id} are string fields. With
 * ids out of the tag set, two SLA events of the same channel/clock/status/queue/agent emitted in the
 * same millisecond would be the same point and the second would overwrite the first. The timestamp
 * is therefore {@code emittedFor} (truncated to the millisecond) in nanoseconds <b>plus a
 * deterministic offset in [0, 999 999] ns</b>: the 64-bit FNV-1a hash of the UTF-8 bytes of
 * {@code slaEventId}, unsigned, modulo 1 000 000 ({@link #subMillisecondOffsetNanos(String)}). The
 * same event always lands on the same point (re-writing it after a restart is idempotent), distinct
 * events almost always on distinct points, and every point stays inside its millisecond, so queries
 * and dashboards at millisecond precision see {@code emittedFor} unchanged. The trade-off: two
 * distinct events with identical tags in the same millisecond still collide with probability 1 in
 * 10<sup>6</sup>; a count of SLA events read from InfluxDB can in that rare case be one short, so
 * exact SLA counts belong to the {@code care_kpi} counters or the Kafka topic, not to
 * {@code COUNT()} over {@code care_sla}.
 *
 * <h2>Escaping</h2>
 *
 * Tag values escape comma, equals sign and space with a backslash; newline, carriage return and tab
 * become a space (no InfluxDB version accepts them in a tag). An empty tag value is not allowed by
 * line protocol, so an empty or null dimension is omitted (InfluxQL treats a missing tag as
 * {@code ''}). A backslash that would precede a comma, equals sign, space or the end of a tag value
 * is replaced by {@code _}: InfluxDB 1.x and 3.x disagree on how such a backslash is read, and 1.x
 * cannot represent it at all. Other backslashes stay literal. String field values escape backslash
 * and double quote, which every version reads back exactly.
 */
public final class LineProtocol {
    public static final String KPI_MEASUREMENT = "care_kpi";
    public static final String SLA_MEASUREMENT = "care_sla";
    public static final String QUEUE_MEASUREMENT = "care_queue";

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long FNV64_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV64_PRIME = 0x100000001b3L;

    /** Fields of {@code KpiSnapshot} that are the point's key or written under another name. */
    private static final Set<String> KPI_NON_FIELDS =
            Set.of("window", "windowStart", "windowEnd", "channel", "agent", "queue", "revision", "isFinal");

    /** The schema's counter, percentile and ratio fields, in schema order. */
    private static final List<Schema.Field> KPI_VALUE_FIELDS = KpiSnapshot.getClassSchema().getFields().stream()
            .filter(f -> !KPI_NON_FIELDS.contains(f.name()))
            .toList();

    private LineProtocol() {}

    /** The {@code care_kpi} line of a snapshot, every field; timestamp = window start. */
    public static String kpi(KpiSnapshot s) {
        return kpi(s, kpiValues(s), null);
    }

    /**
     * The values of a snapshot's {@code care_kpi} fields besides {@code revision} and
     * {@code is_final}, in schema order (null where the snapshot has none): what
     * {@link #kpi(KpiSnapshot, Object[], Object[])} compares.
     */
    public static Object[] kpiValues(KpiSnapshot s) {
        Object[] values = new Object[KPI_VALUE_FIELDS.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = s.get(KPI_VALUE_FIELDS.get(i).pos());
        }
        return values;
    }

    /**
     * The {@code care_kpi} line of a snapshot whose field values are {@code values}
     * ({@link #kpiValues}), with {@code revision}, {@code is_final} and only the fields whose value
     * differs from {@code previous}, the values of the same point as last written (every field when
     * {@code previous} is null). InfluxDB merges a rewritten point's fields, keeping those a later
     * write omits (see the class comment), so the point ends with every field of the latest
     * revision while the unchanged ones are neither formatted nor sent nor stored again.
     */
    public static String kpi(KpiSnapshot s, Object[] values, Object[] previous) {
        StringBuilder b = new StringBuilder(previous == null ? 1600 : 400).append(KPI_MEASUREMENT);
        tag(b, "agent", s.getAgent());
        tag(b, "channel", s.getChannel());
        tag(b, "queue", s.getQueue());
        tag(b, "window", s.getWindow());
        b.append(' ');
        FieldWriter f = new FieldWriter(b);
        f.integer("revision", s.getRevision());
        f.bool("is_final", s.getIsFinal());
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null || previous != null && value.equals(previous[i])) {
                continue;
            }
            String name = KPI_VALUE_FIELDS.get(i).name();
            if (value instanceof Long l) {
                f.integer(name, l);
            } else if (value instanceof Integer n) {
                f.integer(name, n);
            } else if (value instanceof Double d) {
                f.decimal(name, d);
            } else if (value instanceof Float x) {
                f.decimal(name, x.doubleValue());
            } else if (value instanceof Boolean z) {
                f.bool(name, z);
            } else {
                throw new IllegalStateException("KpiSnapshot field " + name + " has a type ("
                        + value.getClass().getName() + ") that LineProtocol does not map to an InfluxDB field");
            }
        }
        return b.append(' ').append(nanos(s.getWindowStart())).toString();
    }

    /**
     * The {@code care_sla} line of an SLA event; timestamp = {@code emittedFor} plus the event's
     * sub-millisecond offset (see the class comment).
     */
    public static String sla(SlaEvent e) {
        StringBuilder b = new StringBuilder(256).append(SLA_MEASUREMENT);
        tag(b, "agent", e.getAgentId());
        tag(b, "channel", e.getChannel() == null ? null : e.getChannel().name());
        tag(b, "clock", e.getClock() == null ? null : e.getClock().name());
        tag(b, "queue", e.getQueue());
        tag(b, "status", e.getStatus() == null ? null : e.getStatus().name());
        b.append(' ');
        FieldWriter f = new FieldWriter(b);
        f.integer("threshold_ms", e.getThresholdMs());
        f.integer("overrun_ms", e.getOverrunMs());
        f.integer("deadline", e.getDeadline().toEpochMilli());
        f.string("conversation_id", e.getConversationId());
        f.string("sla_event_id", e.getSlaEventId());
        return b.append(' ').append(slaTimestampNanos(e)).toString();
    }

    /** The {@code care_queue} line of a live gauge; timestamp = {@code asOf}. */
    public static String queue(QueueGauge g) {
        StringBuilder b = new StringBuilder(96).append(QUEUE_MEASUREMENT);
        tag(b, "channel", g.getChannel());
        tag(b, "queue", g.getQueue());
        b.append(' ');
        FieldWriter f = new FieldWriter(b);
        f.integer("waiting", g.getWaiting());
        f.integer("oldest_wait_ms", g.getOldestWaitMs());
        return b.append(' ').append(nanos(g.getAsOf())).toString();
    }

    /** The timestamp of an SLA event's point: {@code emittedFor} in ns plus its offset. */
    public static long slaTimestampNanos(SlaEvent e) {
        long millis = e.getEmittedFor().toEpochMilli();
        return Math.addExact(Math.multiplyExact(millis, NANOS_PER_MILLI), subMillisecondOffsetNanos(e.getSlaEventId()));
    }

    /**
     * The deterministic offset, in [0, 999 999] ns, that separates SLA events of the same series
     * and millisecond: 64-bit FNV-1a of the UTF-8 bytes of {@code slaEventId}, unsigned, modulo
     * 1 000 000. Stable across JVMs, versions and restarts (unlike {@code String.hashCode} it is
     * also well spread over the modulus).
     */
    public static long subMillisecondOffsetNanos(String slaEventId) {
        long hash = FNV64_OFFSET_BASIS;
        for (byte x : slaEventId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= (x & 0xff);
            hash *= FNV64_PRIME;
        }
        return Long.remainderUnsigned(hash, NANOS_PER_MILLI);
    }

    /** Nanoseconds since the epoch; throws {@link ArithmeticException} outside 1677..2262. */
    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static void tag(StringBuilder b, String key, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        b.append(',').append(key).append('=');
        escapeTagValue(b, value);
    }

    /** Appends a tag value (or tag key, or field key) escaped as described in the class comment. */
    static void escapeTagValue(StringBuilder b, String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case ',', '=', ' ' -> b.append('\\').append(c);
                case '\n', '\r', '\t' -> b.append("\\ ");
                case '\\' -> {
                    boolean last = i == n - 1;
                    char next = last ? 0 : value.charAt(i + 1);
                    boolean ambiguous = last || next == ',' || next == '=' || next == ' ' || next == '\n'
                            || next == '\r' || next == '\t';
                    b.append(ambiguous ? '_' : '\\');
                }
                default -> b.append(c);
            }
        }
    }

    /** Tag value escaping on its own (tests). */
    static String escapeTagValue(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        escapeTagValue(b, value);
        return b.toString();
    }

    /** A string field value, quoted, with backslash and double quote escaped. */
    static String quoteString(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** Float field text: plain decimal notation (no exponent), so every parser reads it alike. */
    static String decimal(double d) {
        return BigDecimal.valueOf(d).toPlainString();
    }

    /** Writes comma-separated fields; keys are constants or Avro names, escaped all the same. */
    private static final class FieldWriter {
        private final StringBuilder b;
        private boolean first = true;

        FieldWriter(StringBuilder b) {
            this.b = b;
        }

        private StringBuilder key(String key) {
            if (!first) {
                b.append(',');
            }
            first = false;
            escapeTagValue(b, key);
            return b.append('=');
        }

        void integer(String key, long value) {
            key(key).append(value).append('i');
        }

        void bool(String key, boolean value) {
            key(key).append(value);
        }

        void decimal(String key, double value) {
            if (Double.isFinite(value)) {
                key(key).append(LineProtocol.decimal(value));
            }
        }

        void string(String key, String value) {
            if (value != null) {
                key(key).append(quoteString(value));
            }
        }
    }
}
