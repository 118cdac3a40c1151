package io.carekpi.replay;

import io.carekpi.testing.MiniClusters;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.Counter;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.tools.sim.DeliveredTraffic;
import io.carekpi.tools.sim.DeliveryOptions;
import io.carekpi.tools.sim.ExpectedLedger;
import io.carekpi.tools.sim.InvalidLine;
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
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated multi-channel day (a few thousand conversations, every channel and scenario of the
 * {@link TrafficSimulator}), delivered out of order with duplicates and invalid lines, replayed
 * through the engine on a mini cluster: its KPI totals must equal the simulator's ledger, which
 * was computed by construction from the plan, not by the engine's rules.
 *
 * <p>The day is simulated and replayed (twice) once, by the first test that needs it: the cluster's
 * execution environment is only registered around each test.
 */
class ReplayDayITCase {
    private static final long SEED = 20260302L;
    private static final int CONTACTS = 3000;
    private static final int INVALID_LINES = 30;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlotsForLargeReplays();

    @TempDir static Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Replayed day;

    /** The simulated day, its file and the outputs of two replays of it. */
    private record Replayed(Simulation sim, DeliveredTraffic file, ReplayResult first, ReplayResult second,
                            Path out, Path again, List<JsonNode> kpis) {}

    private static synchronized Replayed day() throws Exception {
        if (day == null) {
            Simulation sim = TrafficSimulator.simulate(SimulationConfig.builder()
                    .seed(SEED)
                    .conversationsPerDay(CONTACTS)
                    .build()); // UTC, fcrWindow 72 h and maxWrapUp 30 min: the engine's defaults
            DeliveredTraffic file = sim.deliver(new DeliveryOptions(SEED, Duration.ofSeconds(3), 0.03, INVALID_LINES));
            Path input = dir.resolve("day.jsonl");
            file.writeJsonLines(input);
            Path out = dir.resolve("first");
            Path again = dir.resolve("second");
            ReplayResult first = replay(input, out);
            ReplayResult second = replay(input, again);
            day = new Replayed(sim, file, first, second, out, again, readJsonLines(out.resolve("kpis.jsonl")));
        }
        return day;
    }

    private static ReplayResult replay(Path input, Path out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return Replay.run(env, input, out, EngineConfig.defaults());
    }

    private static List<JsonNode> readJsonLines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    // ---- reading snapshots ----------------------------------------------------------------------

    /**
     * Snapshots of {@code window} with these dimensions; {@code channel} null: any channel (all
     * included); {@code agent} null: any single agent (the per-agent rows, not {@code all}).
     */
    private static Predicate<JsonNode> rows(String window, String channel, String agent, String queue) {
        return n -> n.get("window").asText().equals(window)
                && (channel == null || n.get("channel").asText().equals(channel))
                && (agent == null ? !n.get("agent").asText().equals("all") : n.get("agent").asText().equals(agent))
                && n.get("queue").asText().equals(queue);
    }

    private static Instant start(JsonNode n) {
        return Instant.parse(n.get("windowStart").asText());
    }

    private static boolean onDay(JsonNode n, ExpectedLedger ledger, LocalDate d) {
        Instant s = start(n);
        return !s.isBefore(ledger.dayStart(d)) && s.isBefore(ledger.dayStart(d.plusDays(1)));
    }

    /** The 1d snapshot of {@code channel} (or "all") on {@code d}, agent=all, queue=all. */
    private static JsonNode daySnapshot(Replayed r, LocalDate d, String channel) {
        List<JsonNode> found = r.kpis().stream().filter(rows("1d", channel, "all", "all"))
                .filter(n -> start(n).equals(r.sim().ledger().dayStart(d))).toList();
        assertThat(found).as("1d snapshot of %s on %s", channel, d).hasSize(1);
        return found.get(0);
    }

    /** The fields where the snapshot differs from the ledger: "field: engine X, ledger Y". */
    private static List<String> differences(JsonNode snapshot, Totals expected) {
        List<String> diff = new ArrayList<>();
        for (LedgerField f : LedgerField.values()) {
            JsonNode v = snapshot.get(f.field());
            if (v == null || v.asLong() != expected.get(f)) {
                diff.add(f.field() + ": engine " + v + ", ledger " + expected.get(f));
            }
        }
        return diff;
    }

    // ---- (a) the engine's day totals are the simulator's ledger ----------------------------------

    @Test
    void theDayTotalsOfAllChannelsEqualTheSimulatorsLedgerFieldByField() throws Exception {
        Replayed r = day();
        ExpectedLedger ledger = r.sim().ledger();
        for (LocalDate d : ledger.days()) {
            assertThat(differences(daySnapshot(r, d, "all"), ledger.total(d))).as("channel=all on %s", d).isEmpty();
        }
        assertThat(ledger.total(ledger.days().first()).get(LedgerField.OPENED)).isGreaterThan(CONTACTS);
    }

    @Test
    void eachChannelsDayTotalsEqualTheSimulatorsLedgerFieldByField() throws Exception {
        Replayed r = day();
        ExpectedLedger ledger = r.sim().ledger();
        for (LocalDate d : ledger.days()) {
            for (Map.Entry<Channel, Totals> c : ledger.channels(d).entrySet()) {
                assertThat(differences(daySnapshot(r, d, c.getKey().name()), c.getValue()))
                        .as("channel=%s on %s", c.getKey(), d).isEmpty();
            }
        }
        assertThat(ledger.channels(ledger.days().first()))
                .containsOnlyKeys(EnumSet.complementOf(EnumSet.of(Channel.UNKNOWN)));
    }

    @Test
    void theEngineReportsNoDayAndNoChannelTheLedgerDoesNotKnow() throws Exception {
        Replayed r = day();
        ExpectedLedger ledger = r.sim().ledger();
        Set<String> engine = r.kpis().stream().filter(rows("1d", null, "all", "all"))
                .map(n -> n.get("windowStart").asText() + " " + n.get("channel").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>();
        for (LocalDate d : ledger.days()) {
            expected.add(ledger.dayStart(d) + " all");
            ledger.channels(d).keySet().forEach(c -> expected.add(ledger.dayStart(d) + " " + c));
        }
        assertThat(engine).isEqualTo(expected);
    }

    // ---- (b) rejected lines and duplicates ---------------------------------------------------------

    @Test
    void exactlyTheInvalidLinesAreRejectedWithTheirLineNumbersAndReasons() throws Exception {
        Replayed r = day();
        List<JsonNode> rejected = readJsonLines(r.out().resolve("rejected.jsonl"));
        assertThat(rejected).extracting(n -> n.get("line").asLong() + ": " + n.get("input").asText())
                .containsExactlyElementsOf(r.file().invalidLines().stream()
                        .map(l -> l.line() + ": " + l.text()).toList());
        assertThat(r.first().rejected()).isEqualTo(INVALID_LINES);
        for (int i = 0; i < rejected.size(); i++) {
            String reason = rejected.get(i).get("reason").asText();
            switch (r.file().invalidLines().get(i).kind()) {
                case MALFORMED_JSON -> assertThat(reason).startsWith("not valid JSON");
                case OPENED_WITHOUT_CUSTOMER -> assertThat(reason).contains("requires customerId");
                case SURVEY_SCORE_OUT_OF_RANGE -> assertThat(reason).contains("outside its scale");
            }
        }
        assertThat(r.file().invalidLines()).extracting(InvalidLine::kind).containsOnly(InvalidLine.Kind.values());
    }

    @Test
    void everyInjectedDuplicateIsCountedAndNothingIsLateOrUnknown() throws Exception {
        Replayed r = day();
        assertThat(r.file().duplicates()).isGreaterThan(500);
        assertThat(r.first().duplicates()).isEqualTo(r.file().duplicates());
        assertThat(r.first().late()).isZero();
        assertThat(r.first().lateFacts()).isZero();
        assertThat(r.first().unknownTypes()).isZero();
        assertThat(Files.size(r.out().resolve("late.jsonl"))).isZero();
        assertThat(r.first().records()).as("every line of the file counted once, in one class")
                .isEqualTo(r.file().lines().size());
        assertThat(r.first().accepted()).isEqualTo(r.file().lines().size() - INVALID_LINES - r.file().duplicates());
    }

    // ---- (c) minutes add up to the day --------------------------------------------------------------

    @Test
    void theMinuteSnapshotsOfADaySumToItsDaySnapshotForAllChannelsAndEachChannel() throws Exception {
        Replayed r = day();
        ExpectedLedger ledger = r.sim().ledger();
        for (LocalDate d : ledger.days()) {
            List<String> channels = new ArrayList<>(List.of("all"));
            ledger.channels(d).keySet().forEach(c -> channels.add(c.name()));
            for (String channel : channels) {
                JsonNode dayRow = daySnapshot(r, d, channel);
                List<JsonNode> minutes = r.kpis().stream().filter(rows("1m", channel, "all", "all"))
                        .filter(n -> onDay(n, ledger, d)).toList();
                assertThat(minutes).as("%s %s", channel, d).isNotEmpty();
                List<String> diff = new ArrayList<>();
                for (Counter c : Counter.all()) {
                    long total = 0;
                    for (JsonNode m : minutes) {
                        long v = m.get(c.field()).asLong();
                        total = c == Counter.FRT_MAX_MS ? Math.max(total, v) : total + v;
                    }
                    if (total != dayRow.get(c.field()).asLong()) {
                        diff.add(c.field() + ": minutes " + total + ", day " + dayRow.get(c.field()));
                    }
                }
                assertThat(diff).as("sum of %d 1m snapshots, channel=%s on %s", minutes.size(), channel, d).isEmpty();
            }
        }
    }

    // ---- (d) determinism ----------------------------------------------------------------------------

    @Test
    void replayingTheSameFileTwiceGivesByteIdenticalOutputs() throws Exception {
        Replayed r = day();
        for (String f : List.of("kpis.jsonl", "conversations.jsonl", "rejected.jsonl", "late.jsonl", "sla.jsonl")) {
            Path a = r.out().resolve(f);
            Path b = r.again().resolve(f);
            if (f.equals("sla.jsonl") && !Files.exists(a)) {
                continue; // an engine without SLA output
            }
            assertThat(Files.mismatch(a, b)).as(f).isEqualTo(-1L);
        }
        assertThat(r.second()).isEqualTo(r.first());
        assertThat(Files.size(r.out().resolve("kpis.jsonl"))).isPositive();
    }

    // ---- (e) agents add up --------------------------------------------------------------------------

    @Test
    void theAgentsHandledContactsAndHandleTimeAddUpToTheDay() throws Exception {
        Replayed r = day();
        ExpectedLedger ledger = r.sim().ledger();
        for (LocalDate d : ledger.days()) {
            List<JsonNode> agents = r.kpis().stream().filter(rows("1d", null, null, "all"))
                    .filter(n -> !n.get("channel").asText().equals("all"))
                    .filter(n -> start(n).equals(ledger.dayStart(d))).toList();
            JsonNode all = daySnapshot(r, d, "all");
            for (String field : List.of("handled", "handle_sum_ms", "talk_sum_ms", "hold_sum_ms", "wrap_up_sum_ms")) {
                assertThat(agents.stream().mapToLong(n -> n.get(field).asLong()).sum()).as("%s on %s", field, d)
                        .isEqualTo(all.get(field).asLong());
            }
        }
        LocalDate first = ledger.days().first();
        assertThat(r.kpis().stream().filter(rows("1d", null, null, "all"))
                .filter(n -> start(n).equals(ledger.dayStart(first))).map(n -> n.get("agent").asText()).distinct()
                .count()).isGreaterThan(20);
    }

    // ---- summaries ----------------------------------------------------------------------------------

    @Test
    void everyResolutionAndEveryCloseGivesOneConversationSummary() throws Exception {
        Replayed r = day();
        List<InteractionEvent> events = r.sim().events();
        long expected = events.stream()
                .filter(e -> e.getType() == EventType.RESOLVED || e.getType() == EventType.CONVERSATION_CLOSED).count();
        assertThat(r.first().conversations()).isEqualTo(expected);
        long conversations = events.stream()
                .filter(e -> e.getType() == EventType.RESOLVED || e.getType() == EventType.CONVERSATION_CLOSED)
                .map(InteractionEvent::getConversationId).distinct().count();
        assertThat(readJsonLines(r.out().resolve("conversations.jsonl")).stream()
                .map(n -> n.get("conversationId").asText()).distinct().count()).isEqualTo(conversations);
    }
}
