package io.carekpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.DeadLetterSerializer;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.connectors.kafka.LocalKafkaBroker;
import io.carekpi.io.AvroJson;
import io.carekpi.io.EventJson;
import io.carekpi.kpi.EventValidator;
import io.carekpi.replay.Replay;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.SlaEvent;
import io.carekpi.testing.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job on a real Kafka broker (KRaft, a child JVM on 127.0.0.1) in a Flink MiniCluster,
 * with checkpoints and exactly-once sinks: the latest revisions on {@code care.kpi} and the events
 * on {@code care.sla} must equal the replay of the same events.
 */
class KafkaPipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalKafkaBroker broker;

    @TempDir static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static List<InteractionEvent> sampleEvents() throws Exception {
        List<InteractionEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("jobs/replay/sample-events.jsonl"))) {
            try {
                InteractionEvent e = EventJson.decode(line);
                if (EventValidator.problem(e) == null) {
                    events.add(e);
                }
            } catch (Exception invalid) {
                // the invalid sample lines are produced raw below
            }
        }
        return events;
    }

    @Test
    void shouldWriteTheSameKpisAndSlaEventsToKafkaAsTheReplayOfTheSameEvents() throws Exception {
        EngineConfig config = EngineConfig.load(Path.of("jobs/kpi-engine/config.yaml"));
        broker.createTopics(Map.of(KafkaSettings.EVENTS, 4, KafkaSettings.KPI, 2, KafkaSettings.SLA, 2,
                KafkaSettings.CONVERSATIONS, 2, KafkaSettings.DLQ, 1));
        List<InteractionEvent> events = sampleEvents();
        KafkaTopics.produce(broker.bootstrapServers(), KafkaSettings.EVENTS, events);
        KafkaTopics.produceRaw(broker.bootstrapServers(), KafkaSettings.EVENTS, "garbage",
                List.of(new byte[] {1, 2, 3}, "not avro".getBytes(StandardCharsets.UTF_8)));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        LiveJob.build(env, config, KafkaSettings.defaults(broker.bootstrapServers()), true);
        env.execute("kafka pipeline");

        Path jsonl = dir.resolve("events.jsonl");
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(EventJson.encode(e)).append('\n'));
        Files.writeString(jsonl, sb);
        StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        replayEnv.setParallelism(2);
        Replay.run(replayEnv, jsonl, dir.resolve("replay"), config);

        Map<String, JsonNode> expectedKpis = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("replay/kpis.jsonl"))) {
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            expectedKpis.put(key(n), withoutRevision(n));
        }
        Map<String, KpiSnapshot> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.KPI)) {
            KpiSnapshot s = KpiSnapshot.getDecoder().decode(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(LiveJob.kpiKey(s));
            latest.merge(LiveJob.kpiKey(s), s, (a, b) -> a.getRevision() >= b.getRevision() ? a : b);
        }
        Map<String, JsonNode> actualKpis = new TreeMap<>();
        for (KpiSnapshot s : latest.values()) {
            ObjectNode n = (ObjectNode) JSON.readTree(AvroJson.encode(s)); // same number node types as the file
            actualKpis.put(key(n), withoutRevision(n));
        }
        assertThat(actualKpis.keySet()).isEqualTo(expectedKpis.keySet());
        assertThat(differences(expectedKpis, actualKpis)).as("fields that differ from the replay").isEmpty();

        TreeSet<String> expectedSla = new TreeSet<>(Files.readAllLines(dir.resolve("replay/sla.jsonl")));
        TreeSet<String> actualSla = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.SLA)) {
            actualSla.add(AvroJson.encode(SlaEvent.getDecoder().decode(r.value())));
        }
        assertThat(actualSla).isNotEmpty().isEqualTo(expectedSla);

        List<ConsumerRecord<byte[], byte[]>> dlq = KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.DLQ);
        assertThat(dlq).hasSize(2).allSatisfy(r -> {
            assertThat(new String(r.headers().lastHeader(DeadLetterSerializer.REASON).value(), StandardCharsets.UTF_8))
                    .isNotBlank();
            assertThat(new String(r.headers().lastHeader(DeadLetterSerializer.ORIGIN).value(), StandardCharsets.UTF_8))
                    .startsWith(KafkaSettings.EVENTS + "-");
        });
        assertThat(KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.CONVERSATIONS))
                .hasSize(Files.readAllLines(dir.resolve("replay/conversations.jsonl")).size());
    }

    /** "key field: expected != actual" for every field that differs (compared as JSON text). */
    private static List<String> differences(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        List<String> out = new ArrayList<>();
        expected.forEach((k, e) -> e.fieldNames().forEachRemaining(f -> {
            String ev = String.valueOf(e.get(f));
            String av = String.valueOf(actual.get(k).get(f));
            if (!ev.equals(av)) {
                out.add(k + " " + f + ": " + ev + " != " + av);
            }
        }));
        return out;
    }

    private static String key(JsonNode n) {
        return n.get("window").asText() + "|" + n.get("windowStart").asText() + "|" + n.get("channel").asText() + "|"
                + n.get("agent").asText() + "|" + n.get("queue").asText();
    }

    private static JsonNode withoutRevision(ObjectNode n) {
        ObjectNode c = n.deepCopy();
        c.remove("revision");
        return c;
    }
}
