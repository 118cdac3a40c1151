package io.carekpi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carekpi.io.AvroJson;
import io.carekpi.jobs.LiveJob;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.SlaEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Live outputs against the replay of the same events: snapshots by key, without their revision, as
 * a consumer keeping the highest revision per key sees them; SLA events as a set or by id.
 */
public final class KpiComparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KpiComparison() {}

    /** The replay's kpis.jsonl by snapshot key. */
    public static Map<String, JsonNode> replayKpis(Path replayDir) throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        for (String line : Files.readAllLines(replayDir.resolve("kpis.jsonl"))) {
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            out.put(key(n), withoutRevision(n));
        }
        return out;
    }

    /** The latest revision of every snapshot on a care.kpi topic, by snapshot key. */
    public static Map<String, JsonNode> latestKafkaKpis(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
        Map<String, KpiSnapshot> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            KpiSnapshot s = KpiSnapshot.getDecoder().decode(r.value());
            latest.merge(LiveJob.kpiKey(s), s, (a, b) -> a.getRevision() >= b.getRevision() ? a : b);
        }
        Map<String, JsonNode> out = new TreeMap<>();
        for (KpiSnapshot s : latest.values()) {
            ObjectNode n = (ObjectNode) JSON.readTree(AvroJson.encode(s)); // same number node types as a file
            out.put(key(n), withoutRevision(n));
        }
        return out;
    }

    /** The SLA events of a care.sla topic as replay-style JSON lines. */
    public static TreeSet<String> kafkaSla(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add(AvroJson.encode(SlaEvent.getDecoder().decode(r.value())));
        }
        return out;
    }

    /**
     * The SLA events of a care.sla topic as a consumer of at-least-once output keeps them: one per
     * {@code slaEventId}, as replay-style JSON lines, sorted. Copies of one id must be identical
     * (an SLA event is a pure function of the events), else this fails naming both.
     */
    public static List<String> slaById(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
        Map<String, String> byId = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            SlaEvent e = SlaEvent.getDecoder().decode(r.value());
            String json = AvroJson.encode(e);
            String earlier = byId.putIfAbsent(e.getSlaEventId(), json);
            if (earlier != null && !earlier.equals(json)) {
                throw new IllegalStateException("two SLA events with the id " + e.getSlaEventId() + ": " + earlier
                        + " and " + json);
            }
        }
        List<String> out = new ArrayList<>(byId.values());
        out.sort(null);
        return out;
    }

    /** "key field: expected != actual" for every field that differs (compared as JSON text). */
    public static List<String> differences(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        List<String> out = new ArrayList<>();
        expected.forEach((k, e) -> {
            JsonNode a = actual.get(k);
            if (a == null) {
                out.add(k + " missing");
                return;
            }
            e.fieldNames().forEachRemaining(f -> {
                String ev = String.valueOf(e.get(f));
                String av = String.valueOf(a.get(f));
                if (!ev.equals(av)) {
                    out.add(k + " " + f + ": " + ev + " != " + av);
                }
            });
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> out.add(k + " unexpected"));
        return out;
    }

    public static String key(JsonNode n) {
        return n.get("window").asText() + "|" + n.get("windowStart").asText() + "|" + n.get("channel").asText() + "|"
                + n.get("agent").asText() + "|" + n.get("queue").asText();
    }

    private static JsonNode withoutRevision(ObjectNode n) {
        ObjectNode c = n.deepCopy();
        c.remove("revision");
        return c;
    }
}
