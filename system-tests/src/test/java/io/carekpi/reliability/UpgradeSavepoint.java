package io.carekpi.reliability;

import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.tools.broker.LocalKafkaBroker;
import io.carekpi.jobs.LiveJob;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.LivePipelineRun;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The state a released build leaves behind, kept to prove that the next build restores it: a
 * savepoint of the live job stopped (not drained) once it has read the first half of a generated
 * day, and what it had committed to its Kafka outputs by then. {@link #keep} writes them with the
 * build it runs in ({@code mvn test -Dtest=KeepUpgradeSavepoint}); {@code CancelRestoreITCase}
 * restores the kept ones into the current build. When to keep a new one: docs/operations.md,
 * "Stopping, restoring, upgrading".
 */
final class UpgradeSavepoint {
    static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    static final int CONVERSATIONS = 150;
    static final long SEED = 31;

    private UpgradeSavepoint() {}

    /** The generated day, in arrival order. */
    static List<InteractionEvent> day() {
        return LivePipelineRun.simulatedDay(DAY, CONVERSATIONS, SEED);
    }

    /** What the kept job had read when it was stopped. */
    static List<InteractionEvent> firstHalf(List<InteractionEvent> day) {
        return day.subList(0, day.size() / 2);
    }

    /** Fixed topic names and transactional ids: the savepoint's source state names the partitions. */
    static KafkaSettings topics(String bootstrapServers) {
        KafkaSettings d = KafkaSettings.defaults(bootstrapServers);
        return new KafkaSettings(d.bootstrapServers(), d.clientProperties(), "upgrade.events", "upgrade.kpi",
                "upgrade.sla", "upgrade.conversations", "upgrade.dlq", "upgrade.queue", "carekpi-upgrade",
                "carekpi-upgrade", d.deliveryGuarantee());
    }

    /** Kept Kafka output records: one Base64 value per line. */
    static List<ConsumerRecord<byte[], byte[]>> readKept(Path file) throws IOException {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(new ConsumerRecord<>(file.getFileName().toString(), 0, out.size(), null,
                    Base64.getDecoder().decode(line)));
        }
        return out;
    }

    static void keep(Path out) throws Exception {
        Path work = Files.createTempDirectory("carekpi-upgrade-savepoint");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(work.resolve("kafka"))) {
            KafkaSettings s = topics(broker.bootstrapServers());
            broker.createCareTopics(s);
            KafkaTopics.produce(broker.bootstrapServers(), s.eventsTopic(), firstHalf(day()));

            Configuration conf = new Configuration();
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            LiveJob.build(env, LivePipelineRun.testConfig(), s, false);
            JobClient job = env.executeAsync("kept for the upgrade test");
            awaitAllRead(broker, s);
            String savepoint = job.stopWithSavepoint(false, work.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);

            Files.createDirectories(out);
            copyTree(Path.of(URI.create(savepoint)), out.resolve("savepoint"));
            for (String topic : List.of(s.kpiTopic(), s.slaTopic(), s.conversationsTopic())) {
                List<String> lines = KafkaTopics.readAll(broker.bootstrapServers(), topic).stream()
                        .map(r -> Base64.getEncoder().encodeToString(r.value())).collect(Collectors.toList());
                Files.write(out.resolve(topic.substring("upgrade.".length()) + ".b64"), lines,
                        StandardCharsets.UTF_8);
            }
        }
        System.out.println("kept in " + out);
    }

    /** Until the job's committed offsets (committed with each checkpoint) reach the end of the input. */
    private static void awaitAllRead(LocalKafkaBroker broker, KafkaSettings s) throws Exception {
        try (Admin admin = broker.admin()) {
            List<TopicPartition> parts = admin.describeTopics(List.of(s.eventsTopic())).allTopicNames().get()
                    .get(s.eventsTopic()).partitions().stream()
                    .map(p -> new TopicPartition(s.eventsTopic(), p.partition())).collect(Collectors.toList());
            Map<TopicPartition, Long> end = new java.util.HashMap<>();
            admin.listOffsets(parts.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get().forEach((p, o) -> end.put(p, o.offset()));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                var committed = admin.listConsumerGroupOffsets(s.groupId()).partitionsToOffsetAndMetadata().get();
                if (parts.stream().allMatch(p -> committed.get(p) != null && committed.get(p).offset() >= end.get(p))) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the job did not read its input within 3 minutes: " + committed);
                }
                Thread.sleep(200);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
