package io.carekpi.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Output records (snapshots, summaries, SLA events) as flat JSON objects in schema field order:
 * timestamps as ISO-8601 UTC, enums as symbols, nulls kept. Used for every replay output file.
 */
public final class AvroJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AvroJson() {}

    public static ObjectNode toJson(SpecificRecordBase record) {
        ObjectNode o = MAPPER.createObjectNode();
        for (Schema.Field f : record.getSchema().getFields()) {
            Object v = record.get(f.pos());
            String n = f.name();
            if (v == null) {
                o.putNull(n);
            } else if (v instanceof Instant i) {
                o.put(n, i.toString());
            } else if (v instanceof Long l) {
                o.put(n, l);
            } else if (v instanceof Integer i) {
                o.put(n, i);
            } else if (v instanceof Double d) {
                o.put(n, d);
            } else if (v instanceof Boolean b) {
                o.put(n, b);
            } else {
                o.put(n, v.toString());
            }
        }
        return o;
    }

    public static String encode(SpecificRecordBase record) {
        return toJson(record).toString();
    }
}
