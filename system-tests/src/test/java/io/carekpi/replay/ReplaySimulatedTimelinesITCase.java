package io.carekpi.replay;

import io.carekpi.testing.MiniClusters;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carekpi.config.EngineConfig;
import io.carekpi.schema.Channel;
import io.carekpi.tools.sim.DeliveredTraffic;
import io.carekpi.tools.sim.DeliveryOptions;
import io.carekpi.tools.sim.ExpectedLedger;
import io.carekpi.tools.sim.LedgerField;
import io.carekpi.tools.sim.Simulation;
import io.carekpi.tools.sim.SimulationConfig;
import io.carekpi.tools.sim.Totals;
import io.carekpi.tools.sim.TrafficSimulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated traffic with the timelines of real sources ({@link SimulationConfig#realWorldTimelines}:
 * tickets reopened days after their resolution, surveys up to a week later and without channel,
 * surveys of conversations never seen, webhook re-deliveries hours later, conflicting copies of an
 * event id), replayed through the engine with its default memory (conversationRetention 30 days):
 * the day totals of every channel must equal the simulator's ledger field by field, and every late
 * copy must be a counted duplicate. A week with every window size, and a month (1d windows only, to
 * keep the output small). ({@code engine}'s {@code ReplayTimelinesITCase} has the hand-written cases.)
 */
class ReplaySimulatedTimelinesITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlotsForLargeReplays();

    @TempDir Path dir;

    /** A simulation, its delivered file, the replay's counters and its 1d rows (agent=all, queue=all) by "day|channel". */
    private record Replayed(Simulation sim, DeliveredTraffic file, ReplayResult result, Map<String, JsonNode> days) {}

    private Replayed replay(SimulationConfig sim, DeliveryOptions delivery, EngineConfig engine) throws Exception {
        Simulation s = TrafficSimulator.simulate(sim);
        DeliveredTraffic file = s.deliver(delivery);
        Path input = dir.resolve("input.jsonl");
        file.writeJsonLines(input);
        Path out = dir.resolve("out");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ReplayResult result = Replay.run(env, input, out, engine);
        return new Replayed(s, file, result, dayRows(out.resolve("kpis.jsonl")));
    }

    /** The 1d snapshots of all agents and queues, read line by line (a month of 1m rows would not fit). */
    private static Map<String, JsonNode> dayRows(Path kpis) throws IOException {
        Map<String, JsonNode> rows = new TreeMap<>();
        try (BufferedReader r = Files.newBufferedReader(kpis)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.contains("\"1d\"")) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                if (n.get("window").asText().equals("1d") && n.get("agent").asText().equals("all")
                        && n.get("queue").asText().equals("all")) {
                    JsonNode old = rows.put(n.get("windowStart").asText() + "|" + n.get("channel").asText(), n);
                    assertThat(old == null || old.get("revision").asLong() < n.get("revision").asLong())
                            .as("revisions in order").isTrue();
                }
            }
        }
        return rows;
    }

    /** Every field of every day and channel (all included) where the engine differs from the ledger. */
    private static List<String> differences(Replayed r) {
        ExpectedLedger ledger = r.sim().ledger();
        List<String> diff = new ArrayList<>();
        List<String> expectedKeys = new ArrayList<>();
        for (LocalDate d : ledger.days()) {
            Map<String, Totals> expected = new TreeMap<>();
            expected.put("all", ledger.total(d));
            ledger.channels(d).forEach((c, t) -> expected.put(c.name(), t));
            for (Map.Entry<String, Totals> e : expected.entrySet()) {
                String key = ledger.dayStart(d) + "|" + e.getKey();
                expectedKeys.add(key);
                JsonNode row = r.days().get(key);
                if (row == null) {
                    diff.add(key + ": no snapshot");
                    continue;
                }
                for (LedgerField f : LedgerField.values()) {
                    JsonNode v = row.get(f.field());
                    if (v == null || v.asLong() != e.getValue().get(f)) {
                        diff.add(key + " " + f.field() + ": engine " + v + ", ledger " + e.getValue().get(f));
                    }
                }
            }
        }
        r.days().keySet().stream().filter(k -> !expectedKeys.contains(k)).forEach(k -> diff.add(k + ": not in the ledger"));
        return diff;
    }

    private static void assertEveryCopyIsACountedDuplicateAndNothingIsLate(Replayed r) {
        assertThat(r.result().duplicates()).isEqualTo(r.file().duplicates());
        assertThat(r.file().duplicates()).isGreaterThan(r.sim().lateCopies().size());
        assertThat(r.result().late()).isZero();
        assertThat(r.result().lateFacts()).isZero();
        assertThat(r.result().unknownTypes()).isZero();
    }

    @Test
    void aWeekWithTheTimelinesGivesTheLedgersDayTotalsForEveryChannelFieldByField() throws Exception {
        long seed = 20261130L;
        Replayed r = replay(SimulationConfig.builder().seed(seed).days(7).conversationsPerDay(800)
                        .realWorldTimelines(true).build(),
                new DeliveryOptions(seed, Duration.ofSeconds(3), 0.02, 20), EngineConfig.defaults());

        assertThat(differences(r)).isEmpty();
        assertEveryCopyIsACountedDuplicateAndNothingIsLate(r);
        assertThat(r.result().rejected()).isEqualTo(20);
        Simulation sim = r.sim();
        for (String stat : List.of("timeline.reopenedAfterFcrWindow.email", "timeline.lateSurvey.noChannel",
                "timeline.surveyOfUnseenConversation.noChannel", "timeline.redeliveredHoursLater",
                "timeline.conflictingCopy.CUSTOMER_MESSAGE", "timeline.conflictingCopy.SURVEY_RESPONSE")) {
            assertThat(sim.stat(stat)).as(stat).isPositive();
        }
        // surveys of conversations never seen and without channel: the UNKNOWN row, which opens nothing
        LocalDate first = sim.ledger().days().first();
        assertThat(sim.ledger().channel(first, Channel.UNKNOWN).get(LedgerField.OPENED)).isZero();
        assertThat(r.days()).containsKey(sim.ledger().dayStart(first) + "|UNKNOWN");
        // reopens weeks later: the ledger (and the engine) have days after the week
        assertThat(sim.ledger().days().last()).isAfter(first.plusDays(10));
    }

    @Test
    void aMonthWithTheTimelinesAndTheDefaultRetentionGivesTheLedgersDayTotalsFieldByField() throws Exception {
        long seed = 31L;
        EngineConfig.Builder engine = EngineConfig.defaults().toBuilder();
        engine.windows = List.of(Duration.ofDays(1));
        EngineConfig config = engine.build();
        assertThat(config.conversationRetention).isEqualTo(SimulationConfig.CONVERSATION_RETENTION);
        Replayed r = replay(SimulationConfig.builder().seed(seed).firstDay(LocalDate.of(2026, 3, 1)).days(31)
                        .conversationsPerDay(300).realWorldTimelines(true).build(),
                new DeliveryOptions(seed, Duration.ofSeconds(3), 0.01, 0), config);

        assertThat(differences(r)).isEmpty();
        assertEveryCopyIsACountedDuplicateAndNothingIsLate(r);
        assertThat(r.sim().ledger().days()).hasSizeGreaterThan(31);
        assertThat(r.sim().stat("timeline.reopenedAfterFcrWindow.email")).isGreaterThan(20);
    }
}
