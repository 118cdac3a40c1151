package io.carekpi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.connectors.influx.InfluxQuery;
import io.carekpi.kpi.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** InfluxDB contents against the replay of the same events. */
public final class InfluxChecks {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private InfluxChecks() {}

    /** Every 1d row in InfluxDB (one point per window and grouping) has the replay's counts and sums. */
    public static void assertDayRowsEqualReplay(InfluxQuery q, Map<String, JsonNode> expected) {
        assertRowsEqualReplay(q, expected, List.of("1d"));
    }

    /**
     * Every row of every window size the replay has ({@code 1m}, {@code 1h}, {@code 1d} as shipped)
     * is in InfluxDB with the replay's counts and sums, and no other row is.
     */
    public static void assertAllRowsEqualReplay(InfluxQuery q, Map<String, JsonNode> expected) {
        assertRowsEqualReplay(q, expected, expected.keySet().stream().map(k -> k.substring(0, k.indexOf('|')))
                .distinct().sorted().toList());
    }

    private static void assertRowsEqualReplay(InfluxQuery q, Map<String, JsonNode> expected, List<String> windows) {
        for (String window : windows) {
            List<String> diffs = new ArrayList<>();
            int rows = 0;
            for (InfluxQuery.Row row : q.rows("SELECT * FROM care_kpi WHERE \"window\" = '" + window + "' GROUP BY *")) {
                rows++;
                String key = window + "|" + row.time() + "|" + row.tags().get("channel") + "|"
                        + row.tags().get("agent") + "|" + row.tags().get("queue");
                JsonNode e = expected.get(key);
                if (e == null) {
                    diffs.add(key + " not in the replay");
                    continue;
                }
                for (Counter c : Counter.all()) {
                    long actual = row.getLong(c.field());
                    if (actual != e.get(c.field()).asLong()) {
                        diffs.add(key + " " + c.field() + ": " + e.get(c.field()) + " != " + actual);
                    }
                }
            }
            assertThat(diffs).as("InfluxDB %s rows against the replay", window).isEmpty();
            assertThat(rows).as("InfluxDB %s rows", window)
                    .isEqualTo(expected.keySet().stream().filter(k -> k.startsWith(window + "|")).count());
        }
    }

    /**
     * InfluxDB's {@code care_sla} holds one point per SLA event of the replay ({@code expectedSla},
     * its JSON lines), each once: a repeated write of an event overwrites its point.
     */
    public static void assertSlaPointsEqualReplay(InfluxQuery q, List<String> expectedSla) {
        List<String> expected = new ArrayList<>();
        for (String line : expectedSla) {
            try {
                expected.add(JSON.readTree(line).get("slaEventId").asText());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("not an SLA event: " + line, e);
            }
        }
        List<String> actual = q.rows("SELECT sla_event_id FROM care_sla").stream()
                .map(r -> r.getString("sla_event_id")).toList();
        assertThat(actual).as("care_sla points by slaEventId").containsExactlyInAnyOrderElementsOf(expected);
    }
}
