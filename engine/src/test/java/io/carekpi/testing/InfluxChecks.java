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
    private InfluxChecks() {}

    /** Every 1d row in InfluxDB (one point per window and grouping) has the replay's counts and sums. */
    public static void assertDayRowsEqualReplay(InfluxQuery q, Map<String, JsonNode> expected) {
        List<String> diffs = new ArrayList<>();
        int rows = 0;
        for (InfluxQuery.Row row : q.rows("SELECT * FROM care_kpi WHERE \"window\" = '1d' GROUP BY *")) {
            rows++;
            String key = "1d|" + row.time() + "|" + row.tags().get("channel") + "|" + row.tags().get("agent") + "|"
                    + row.tags().get("queue");
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
        assertThat(diffs).as("InfluxDB 1d rows against the replay").isEmpty();
        assertThat(rows).isEqualTo(expected.keySet().stream().filter(k -> k.startsWith("1d|")).count());
    }
}
