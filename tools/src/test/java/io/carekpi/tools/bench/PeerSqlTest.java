package io.carekpi.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carekpi.config.EngineConfig;
import io.carekpi.replay.Replay;
import io.carekpi.tools.sim.DeliveredTraffic;
import io.carekpi.tools.sim.DeliveryOptions;
import io.carekpi.tools.sim.Simulation;
import io.carekpi.tools.sim.SimulationConfig;
import io.carekpi.tools.sim.TrafficSimulator;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink SQL peer of the benchmarks computes what CareKPI computes, on the fields it covers:
 * one simulated day delivered as real sources deliver it (up to 3 s out of order, 2 % duplicates,
 * invalid lines), replayed by CareKPI and run through the peer's SQL in STREAMING mode; every 1h
 * and 1d row of all agents and all queues, per channel and for all channels, must have the same
 * opened, first_responses, frt_sum_ms, frt_max_ms, resolved and resolution_sum_ms, and no row may
 * be missing on either side.
 *
 * <p>Where the two differ by definition the traffic has none of it: the simulated day has no
 * conversation idle for 30 days (CareKPI forgets it by event time, the peer's state TTL by
 * processing time), no event later than the watermark (CareKPI's replay has no lateness, the
 * peer's windows drop late rows) and no conflicting copies of an event id (CareKPI keeps the
 * first in the file, the peer the first to reach its dedup operator). Reopens, surveys, outbound
 * conversations (the test checks the day has some of both) and conversations opened implicitly are
 * defined the same way in both.
 */
class PeerSqlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("opened", "first_responses", "frt_sum_ms", "frt_max_ms",
            "resolved", "resolution_sum_ms");

    @TempDir Path dir;

    @Test
    void theSqlPeerGivesTheReplaysCountsPerChannelHourAndDay() throws Exception {
        Simulation sim = TrafficSimulator.simulate(SimulationConfig.builder().seed(18)
                .firstDay(LocalDate.of(2026, 3, 2)).conversationsPerDay(300).build());
        // the cases where a careless subset would differ are in the day
        assertThat(sim.stats().entrySet()).as("reopened conversations")
                .anyMatch(e -> e.getKey().startsWith("scenario.") && e.getKey().contains("reopened") && e.getValue() > 0);
        assertThat(sim.stat("journey.outboundFollowUp")).as("outbound conversations").isPositive();
        DeliveredTraffic traffic = sim.deliver(DeliveryOptions.realistic(18));
        assertThat(traffic.duplicates()).as("duplicates to remove").isPositive();
        Path input = dir.resolve("day.jsonl");
        traffic.writeJsonLines(input);

        EngineConfig.Builder b = EngineConfig.defaults().toBuilder();
        b.windows = List.of(Duration.ofHours(1), Duration.ofDays(1));
        EngineConfig config = b.build();
        Replay.run(StreamExecutionEnvironment.createLocalEnvironment(1), input, dir.resolve("replay"), config);
        Map<String, List<Long>> replay = replayRows(dir.resolve("replay/kpis.jsonl"));

        List<Row> rows = PeerSql.rows(StreamExecutionEnvironment.createLocalEnvironment(1),
                RuntimeExecutionMode.STREAMING, input, config.outOfOrderness);
        Map<String, List<Long>> peer = new TreeMap<>();
        for (Row r : rows) {
            // window_start is a TIMESTAMP in the session time zone (UTC)
            String key = r.getFieldAs("window_size") + " "
                    + r.<LocalDateTime>getFieldAs("window_start").toInstant(ZoneOffset.UTC) + " " + r.getFieldAs("channel");
            List<Long> values = FIELDS.stream().map(f -> value(r.getField(f))).toList();
            assertThat(values).as("the peer has a row only where something counts: %s", key).anyMatch(v -> v != 0);
            List<Long> old = peer.put(key, values);
            assertThat(old).as("one row per window and channel: %s", key).isNull();
        }

        long opened = replay.entrySet().stream().filter(e -> e.getKey().startsWith("1d ") && e.getKey().endsWith(" all"))
                .mapToLong(e -> e.getValue().get(0)).sum();
        long resolved = replay.entrySet().stream().filter(e -> e.getKey().startsWith("1d ") && e.getKey().endsWith(" all"))
                .mapToLong(e -> e.getValue().get(4)).sum();
        assertThat(opened).as("conversations opened in the day").isGreaterThan(200);
        assertThat(resolved).as("resolutions in the day").isGreaterThan(100);
        assertThat(replay.keySet()).as("hourly rows").anyMatch(k -> k.startsWith("1h "));
        List<String> differences = new ArrayList<>();
        for (String key : union(replay.keySet(), peer.keySet())) {
            if (!Objects.equals(replay.get(key), peer.get(key))) {
                differences.add(key + ": replay " + replay.get(key) + ", peer " + peer.get(key) + " " + FIELDS);
            }
        }
        assertThat(differences).as("rows where the peer differs from the replay").isEmpty();
        assertThat(peer).hasSameSizeAs(replay);
    }

    /**
     * The replay's 1h and 1d rows of all agents and queues, latest revision, by "window start channel";
     * rows with none of the compared facts (only messages, surveys, ...) are left out, as the peer
     * has no row there.
     */
    private static Map<String, List<Long>> replayRows(Path kpis) throws Exception {
        Map<String, List<Long>> rows = new TreeMap<>();
        Map<String, Long> revisions = new TreeMap<>();
        try (BufferedReader r = Files.newBufferedReader(kpis)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode n = JSON.readTree(line);
                String window = n.get("window").asText();
                if (!(window.equals("1h") || window.equals("1d")) || !n.get("agent").asText().equals("all")
                        || !n.get("queue").asText().equals("all")) {
                    continue;
                }
                JsonNode start = n.get("windowStart");
                Instant at = start.isNumber() ? Instant.ofEpochMilli(start.asLong()) : Instant.parse(start.asText());
                String key = window + " " + at + " " + n.get("channel").asText();
                if (revisions.getOrDefault(key, Long.MIN_VALUE) > n.get("revision").asLong()) {
                    continue;
                }
                revisions.put(key, n.get("revision").asLong());
                List<Long> values = FIELDS.stream().map(f -> value(n.get(f))).toList();
                if (values.stream().allMatch(v -> v == 0)) {
                    rows.remove(key);
                } else {
                    rows.put(key, values);
                }
            }
        }
        return rows;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static long value(Object v) {
        if (v instanceof JsonNode n) {
            return n == null || n.isNull() ? 0 : n.asLong();
        }
        return v == null ? 0 : ((Number) v).longValue();
    }
}
