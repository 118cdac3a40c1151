package io.carekpi.jobs;

import io.carekpi.testing.Repository;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.DeadLetterSerializer;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.tools.broker.LocalKafkaBroker;
import io.carekpi.io.EventJson;
import io.carekpi.kpi.EventValidator;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.KpiComparison;
import io.carekpi.testing.LogCapture;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.PipelineFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job on a real Kafka broker (KRaft, a child JVM on 127.0.0.1) in a Flink MiniCluster,
 * with checkpoints and exactly-once sinks: the latest revisions on {@code care.kpi} and the events
 * on {@code care.sla} must equal the replay of the same events.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaPipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

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

    /** The valid events of the committed sample (jobs/replay/sample-events.jsonl). */
    static List<InteractionEvent> sampleEvents() throws Exception {
        List<InteractionEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(Repository.path("jobs/replay/sample-events.jsonl"))) {
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
        EngineConfig config = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        broker.createCareTopics(KafkaSettings.defaults(broker.bootstrapServers()));
        List<InteractionEvent> events = sampleEvents();
        KafkaTopics.produce(broker.bootstrapServers(), KafkaSettings.EVENTS, events);
        KafkaTopics.produceRaw(broker.bootstrapServers(), KafkaSettings.EVENTS, "garbage",
                List.of(new byte[] {1, 2, 3}, "not avro".getBytes(StandardCharsets.UTF_8)));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        LiveJob.build(env, config, KafkaSettings.defaults(broker.bootstrapServers()), true);
        long started = System.currentTimeMillis();
        List<String> logged;
        try (LogCapture logs = LogCapture.atInfo()) {
            env.execute("kafka pipeline");
            logged = logs.messages();
        }

        PipelineFixture.replay(events, config, dir);

        Map<String, JsonNode> expectedKpis = KpiComparison.replayKpis(dir.resolve("replay"));
        Map<String, JsonNode> actualKpis = KpiComparison.latestKafkaKpis(
                KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.KPI));
        assertThat(actualKpis).isNotEmpty();
        assertThat(KpiComparison.differences(expectedKpis, actualKpis)).as("differences from the replay").isEmpty();

        TreeSet<String> expectedSla = new TreeSet<>(Files.readAllLines(dir.resolve("replay/sla.jsonl")));
        assertThat(KpiComparison.kafkaSla(KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.SLA)))
                .isNotEmpty().isEqualTo(expectedSla);

        List<ConsumerRecord<byte[], byte[]>> dlq = KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.DLQ);
        assertThat(dlq).hasSize(2).allSatisfy(r -> {
            assertThat(new String(r.headers().lastHeader(DeadLetterSerializer.REASON).value(), StandardCharsets.UTF_8))
                    .isNotBlank();
            assertThat(new String(r.headers().lastHeader(DeadLetterSerializer.ORIGIN).value(), StandardCharsets.UTF_8))
                    .startsWith(KafkaSettings.EVENTS + "-");
        });
        assertThat(KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.CONVERSATIONS))
                .hasSize(Files.readAllLines(dir.resolve("replay/conversations.jsonl")).size());

        // SPEC 6: no conversation or customer id in the logs at INFO (the job's logs, Flink's and
        // the Kafka clients', including exception texts).
        assertThat(logged).as("log lines captured at INFO").hasSizeGreaterThan(50);
        for (InteractionEvent e : events) {
            for (String id : new String[] {e.getConversationId(), e.getCustomerId()}) {
                if (id != null) {
                    assertThat(logged).as("logs mentioning %s", id).noneMatch(m -> m.contains(id));
                }
            }
        }

        // The sample's events happened in 2026-03; outputs stamped with those times would be
        // deleted by the broker's 7-day retention as soon as their segment rolls.
        for (String topic : List.of(KafkaSettings.KPI, KafkaSettings.SLA, KafkaSettings.CONVERSATIONS,
                KafkaSettings.DLQ)) {
            assertThat(KafkaTopics.readAll(broker.bootstrapServers(), topic)).as("timestamps on %s", topic)
                    .allSatisfy(r -> assertThat(r.timestamp()).isGreaterThanOrEqualTo(started - 60_000));
        }
    }

    @Test
    void aRecordLargerThanTheDeadLetterLimitIsDeadLetteredCutAndTheJobGoesOn() throws Exception {
        EngineConfig config = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        KafkaSettings d = KafkaSettings.defaults(broker.bootstrapServers());
        KafkaSettings s = new KafkaSettings(d.bootstrapServers(), d.clientProperties(), "big.events", "big.kpi",
                "big.sla", "big.conversations", "big.dlq", "big.queue", "carekpi-big", "carekpi-big",
                d.deliveryGuarantee());
        broker.createCareTopics(s);
        int size = 3 * 1024 * 1024;
        KafkaTopics.allowRecordsOf(broker.bootstrapServers(), s.eventsTopic(), size + 1024);
        List<InteractionEvent> events = sampleEvents();
        KafkaTopics.produce(broker.bootstrapServers(), s.eventsTopic(), events.subList(0, events.size() / 2));
        byte[] huge = new byte[size]; // not Avro: a dead letter three times the sink's request limit
        java.util.Arrays.fill(huge, (byte) 7);
        Properties large = new Properties();
        large.setProperty("max.request.size", Integer.toString(size + 1024));
        KafkaTopics.produceRaw(broker.bootstrapServers(), s.eventsTopic(), "huge", List.of(huge), large);
        KafkaTopics.produce(broker.bootstrapServers(), s.eventsTopic(), events.subList(events.size() / 2, events.size()));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        LiveJob.build(env, config, s, true);
        env.execute("kafka pipeline with a huge record");

        List<ConsumerRecord<byte[], byte[]>> dlq = KafkaTopics.readAll(broker.bootstrapServers(), s.dlqTopic());
        assertThat(dlq).singleElement().satisfies(r -> {
            assertThat(r.value()).hasSize(DeadLetterSerializer.MAX_VALUE_BYTES);
            assertThat(new String(r.headers().lastHeader(DeadLetterSerializer.TRUNCATED).value(),
                    StandardCharsets.UTF_8)).isEqualTo(Integer.toString(size));
        });
        Path replayDir = Files.createDirectories(dir.resolve("big"));
        PipelineFixture.replay(events, config, replayDir);
        assertThat(KpiComparison.differences(KpiComparison.replayKpis(replayDir.resolve("replay")),
                KpiComparison.latestKafkaKpis(KafkaTopics.readAll(broker.bootstrapServers(), s.kpiTopic()))))
                .as("every other event counted as without the huge record").isEmpty();
    }
}
