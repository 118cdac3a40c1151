package io.carekpi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.tools.broker.LocalKafkaBroker;
import io.carekpi.io.AvroJson;
import io.carekpi.io.EventJson;
import io.carekpi.replay.Replay;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SlaEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A generated day produced to a real Kafka broker, and its replay: what every live run over it
 * must write. Each run gets its own topics, consumer group and transactional ids.
 */
public final class PipelineFixture implements AutoCloseable {
    private static final AtomicInteger RUNS = new AtomicInteger();

    public final Path dir;
    public final EngineConfig config;
    public LocalKafkaBroker broker;
    public final List<InteractionEvent> arrivals;
    public final Map<String, JsonNode> expectedKpis;
    public final List<String> expectedSla;
    /** The replay's conversation summaries (each emitted once), sorted. */
    public final List<String> expectedSummaries;
    /** KPI windows starting at or after this are not compared (null: all are). */
    private final Instant compareBefore;

    private PipelineFixture(Path dir, EngineConfig config, LocalKafkaBroker broker, List<InteractionEvent> arrivals,
                            Map<String, JsonNode> expectedKpis, List<String> expectedSla, Instant compareBefore) {
        this.compareBefore = compareBefore;
        this.dir = dir;
        this.config = config;
        this.broker = broker;
        this.arrivals = arrivals;
        this.expectedKpis = compared(expectedKpis);
        this.expectedSla = expectedSla;
        this.expectedSummaries = sortedLines(dir.resolve("replay/conversations.jsonl"));
    }

    private static List<String> sortedLines(Path file) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file));
            lines.sort(null);
            return lines;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static PipelineFixture start(Path dir, int conversations, long seed) throws Exception {
        return start(dir, conversations, seed, List.of());
    }

    /**
     * @param later events that arrive after the generated day (produced last, part of the replay):
     *     an unbounded run needs later traffic to move its watermark past the day's last deadlines
     *     and FCR verdicts, as tomorrow's traffic does in production. The KPI windows from the day
     *     of the first of them on are not compared: in an unbounded run they never become final.
     */
    public static PipelineFixture start(Path dir, int conversations, long seed, List<InteractionEvent> later)
            throws Exception {
        return start(dir, LivePipelineRun.testConfig(),
                LivePipelineRun.simulatedDay(LocalDate.of(2026, 3, 2), conversations, seed), later);
    }

    /**
     * A fixture for the fault tests as shipped: the shipped configuration ({@code outOfOrderness}
     * 500 ms) and a day whose events are at most 300 ms out of order, so that any late event is the
     * pipeline's doing.
     */
    public static PipelineFixture startShipped(Path dir, int conversations, long seed, List<InteractionEvent> later)
            throws Exception {
        EngineConfig shipped = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        return start(dir, shipped, LivePipelineRun.simulatedDay(LocalDate.of(2026, 3, 2), conversations, seed,
                java.time.Duration.ofMillis(300)), later);
    }

    private static PipelineFixture start(Path dir, EngineConfig config, List<InteractionEvent> day,
                                         List<InteractionEvent> later) throws Exception {
        List<InteractionEvent> arrivals = day;
        if (!later.isEmpty()) {
            arrivals = new ArrayList<>(arrivals);
            arrivals.addAll(later);
        }
        replay(arrivals, config, dir);
        List<String> sla = sortedLines(dir.resolve("replay/sla.jsonl"));
        LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        Instant compareBefore = later.stream().map(InteractionEvent::getOccurredAt).min(Instant::compareTo)
                .map(t -> t.truncatedTo(ChronoUnit.DAYS)).orElse(null);
        return new PipelineFixture(dir, config, broker, arrivals, KpiComparison.replayKpis(dir.resolve("replay")), sla,
                compareBefore);
    }

    /**
     * The replay of {@code arrivals} (already produced, e.g. by {@link RealTimeTraffic}) to compare a
     * run on {@code broker} with.
     */
    public static PipelineFixture of(Path dir, EngineConfig config, LocalKafkaBroker broker,
                                     List<InteractionEvent> arrivals) throws Exception {
        replay(arrivals, config, dir);
        return new PipelineFixture(dir, config, broker, arrivals, KpiComparison.replayKpis(dir.resolve("replay")),
                sortedLines(dir.resolve("replay/sla.jsonl")), null);
    }

    /** The snapshots of windows that start before {@link #compareBefore}, by key ({@code window|start|...}). */
    private Map<String, JsonNode> compared(Map<String, JsonNode> kpis) {
        if (compareBefore == null) {
            return kpis;
        }
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        kpis.forEach((k, v) -> {
            if (Instant.parse(k.split("\\|")[1]).isBefore(compareBefore)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Replays events (as a JSON Lines file in {@code dir}) into {@code dir/replay}, which it returns. */
    public static Path replay(List<InteractionEvent> events, EngineConfig config, Path dir) throws Exception {
        Path jsonl = dir.resolve("arrivals.jsonl");
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(EventJson.encode(e)).append('\n'));
        Files.writeString(jsonl, sb);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Replay.run(env, jsonl, dir.resolve("replay"), config);
        return dir.resolve("replay");
    }

    /** Fresh topics for one run, with the generated day already produced to its events topic. */
    public KafkaSettings newRun() throws Exception {
        int n = RUNS.incrementAndGet();
        KafkaSettings d = KafkaSettings.defaults(broker.bootstrapServers());
        KafkaSettings s = new KafkaSettings(d.bootstrapServers(), d.clientProperties(), "run" + n + ".events",
                "run" + n + ".kpi", "run" + n + ".sla", "run" + n + ".conversations", "run" + n + ".dlq",
                "run" + n + ".queue", "carekpi-run" + n, "carekpi-run" + n, d.deliveryGuarantee());
        broker.createCareTopics(s);
        KafkaTopics.produce(broker.bootstrapServers(), s.eventsTopic(), arrivals);
        return s;
    }

    /**
     * Whether the run's committed outputs equal the replay now (for unbounded runs, which never end:
     * poll this, then cancel and {@link #assertOutputsEqualReplay assert}). A short summary of the
     * differences, or null when there are none.
     */
    public String outputDifferences(KafkaSettings run) throws Exception {
        Map<String, JsonNode> kpis = compared(KpiComparison.latestKafkaKpis(KafkaTopics.readAll(
                broker.bootstrapServers(), run.kpiTopic())));
        List<String> diffs = KpiComparison.differences(expectedKpis, kpis);
        List<String> sla = committed(run.slaTopic(), SlaEvent.getDecoder()::decode);
        List<String> summaries = committed(run.conversationsTopic(), ConversationSummary.getDecoder()::decode);
        if (diffs.isEmpty() && sla.equals(expectedSla) && summaries.equals(expectedSummaries)) {
            return null;
        }
        return diffs.size() + " KPI differences, " + sla.size() + " of " + expectedSla.size() + " SLA events, "
                + summaries.size() + " of " + expectedSummaries.size() + " conversation summaries";
    }

    /** The run's latest KPI revisions equal the replay; each SLA event and conversation summary is there exactly once. */
    public void assertOutputsEqualReplay(KafkaSettings run) throws Exception {
        assertLatestKpisEqualReplay(run);
        assertExactlyOnce("care.sla", committed(run.slaTopic(), SlaEvent.getDecoder()::decode), expectedSla);
        assertExactlyOnce("care.conversations",
                committed(run.conversationsTopic(), ConversationSummary.getDecoder()::decode), expectedSummaries);
    }

    /**
     * What a consumer of at-least-once output ends with equals the replay: the highest revision of
     * every KPI snapshot key, the SLA events de-duplicated by id (copies of an id identical) and the
     * conversation summaries de-duplicated (copies identical).
     */
    public void assertDeduplicatedOutputsEqualReplay(KafkaSettings run) throws Exception {
        assertLatestKpisEqualReplay(run);
        assertExactlyOnce("care.sla, by id",
                KpiComparison.slaById(KafkaTopics.readAll(broker.bootstrapServers(), run.slaTopic())), expectedSla);
        assertExactlyOnce("care.conversations, de-duplicated", committed(run.conversationsTopic(),
                ConversationSummary.getDecoder()::decode).stream().distinct().toList(), expectedSummaries);
    }

    private void assertLatestKpisEqualReplay(KafkaSettings run) throws Exception {
        Map<String, JsonNode> kpis = compared(KpiComparison.latestKafkaKpis(KafkaTopics.readAll(
                broker.bootstrapServers(), run.kpiTopic())));
        Map<String, Integer> deadLetters = new java.util.TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readAll(broker.bootstrapServers(), run.dlqTopic())) {
            var kind = r.headers().lastHeader(io.carekpi.connectors.kafka.DeadLetterSerializer.KIND);
            deadLetters.merge(kind == null ? "?" : new String(kind.value(), java.nio.charset.StandardCharsets.UTF_8),
                    1, Integer::sum);
        }
        assertThat(deadLetters).as("dead letters by kind: no event the pipeline made late").doesNotContainKey("late");
        List<String> diffs = KpiComparison.differences(expectedKpis, kpis);
        assertThat(diffs).as("care.kpi against the replay (%d differences, first %s; dead letters %s; %d snapshots)",
                diffs.size(), diffs.stream().limit(3).toList(), deadLetters, kpis.size()).isEmpty();
    }

    /** The committed records of a topic of Avro single-object records, as JSON lines, sorted. */
    private List<String> committed(String topic, AvroDecoder decoder) throws Exception {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readAll(broker.bootstrapServers(), topic)) {
            out.add(AvroJson.encode(decoder.decode(r.value())));
        }
        out.sort(null);
        return out;
    }

    private interface AvroDecoder {
        org.apache.avro.specific.SpecificRecordBase decode(byte[] value) throws java.io.IOException;
    }

    /** Each expected record exactly once, nothing else, with a summary of what differs. */
    private static void assertExactlyOnce(String topic, List<String> actual, List<String> expected) {
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(new java.util.HashSet<>(actual));
        List<String> unexpected = new ArrayList<>(actual);
        unexpected.removeAll(new java.util.HashSet<>(expected));
        long duplicates = actual.size() - actual.stream().distinct().count();
        assertThat(actual).as("%s: %d records, %d expected; %d missing (first %s), %d unexpected (first %s), "
                        + "%d duplicates", topic, actual.size(), expected.size(), missing.size(),
                        missing.stream().limit(2).toList(), unexpected.size(), unexpected.stream().limit(2).toList(),
                        duplicates)
                .isNotEmpty().isEqualTo(expected);
    }

    /** Starts the broker again on its data directory and port (after {@code broker.close()}). */
    public static void restartBroker(PipelineFixture f) throws Exception {
        f.broker = LocalKafkaBroker.start(f.dir.resolve("kafka"));
    }

    @Override
    public void close() {
        broker.close();
    }
}
