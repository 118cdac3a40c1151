package io.carekpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.connectors.influx.InfluxQuery;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.kpi.Counter;
import io.carekpi.testing.InfluxChecks;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.KpiComparison;
import io.carekpi.testing.LivePipelineRun;
import io.carekpi.testing.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 5 end to end on real services: a generated multi-channel day is produced to a real
 * Kafka broker, the live job runs in a MiniCluster with checkpoints and writes to Kafka and to a
 * real InfluxDB, and every output equals the replay of the same events: the latest revisions on
 * {@code care.kpi}, the SLA events on {@code care.sla}, and the {@code care_kpi} totals queried
 * with InfluxQL.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EndToEndITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final LocalDate DAY = LocalDate.of(2026, 3, 2);

    @TempDir Path dir;

    @Test
    void kafkaAndInfluxOutputsOfALiveRunEqualTheReplayOfTheSameDay() throws Exception {
        // with the timelines of real sources: reopens and surveys days later, re-deliveries hours later
        try (LivePipelineRun run = LivePipelineRun.runWithTimelines(dir, DAY, 1500, 42)) {
            Map<String, JsonNode> expected = run.expectedKpis;
            Map<String, JsonNode> kafka = KpiComparison.latestKafkaKpis(
                    KafkaTopics.readAll(run.broker.bootstrapServers(), KafkaSettings.KPI));
            assertThat(KpiComparison.differences(expected, kafka)).as("care.kpi against the replay").isEmpty();

            TreeSet<String> sla = KpiComparison.kafkaSla(
                    KafkaTopics.readAll(run.broker.bootstrapServers(), KafkaSettings.SLA));
            assertThat(sla).isNotEmpty()
                    .isEqualTo(new TreeSet<>(Files.readAllLines(run.replayDir.resolve("sla.jsonl"))));

            try (InfluxQuery q = InfluxQuery.connect(run.connection)) {
                InfluxChecks.assertDayRowsEqualReplay(q, expected);
                assertInfluxMinuteSumsEqualReplayDay(q, expected);
                assertThat(q.rows("SELECT count(threshold_ms) FROM care_sla WHERE status = 'BREACHED'").get(0)
                        .getLong("count")).isEqualTo(sla.stream().filter(l -> l.contains("\"BREACHED\"")).count());
            }
        }
    }

    /** Dashboards sum the 1m points of a range: over the day that must give the replay's 1d totals. */
    private static void assertInfluxMinuteSumsEqualReplayDay(InfluxQuery q, Map<String, JsonNode> expected) {
        StringBuilder select = new StringBuilder("SELECT ");
        for (Counter c : Counter.all()) {
            if (c != Counter.FRT_MAX_MS) {
                select.append("sum(\"").append(c.field()).append("\") AS \"").append(c.field()).append("\", ");
            }
        }
        select.setLength(select.length() - 2);
        select.append(" FROM care_kpi WHERE \"window\" = '1m' AND channel = 'all' AND agent = 'all' AND queue = 'all'")
                .append(" AND time >= '").append(DAY).append("T00:00:00Z' AND time < '").append(DAY.plusDays(1))
                .append("T00:00:00Z'");
        InfluxQuery.Row sums = q.rows(select.toString()).get(0);
        JsonNode day = expected.get("1d|" + DAY + "T00:00:00Z|all|all|all");
        for (Counter c : Counter.all()) {
            if (c != Counter.FRT_MAX_MS) {
                assertThat(sums.getLong(c.field())).as(c.field()).isEqualTo(day.get(c.field()).asLong());
            }
        }
        assertThat(day.get("opened").asLong()).isPositive();
    }
}
