package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.FlinkCluster;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.PipelineFixture;
import io.carekpi.testing.RealTimeTraffic;
import io.carekpi.testing.Repository;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real standalone Flink cluster (JobManager and TaskManager processes from Flink's
 * distribution jars, the cluster jar submitted over REST, the shipped configuration with its 500 ms
 * {@code outOfOrderness}), traffic produced as it happens: the TaskManager is killed with
 * {@code kill -9} at several points of the checkpoint cycle and a new one started, as a container
 * platform restarts it. The cluster restores the job from its last checkpoint — asserted from the
 * JobManager's checkpoint statistics and from what the source read after it — and, once the job is
 * stopped with a drained savepoint, every output equals the replay of what was produced.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ClusterFailoverITCase {
    private static final int PER_SECOND = 150;

    /** Kept when a test fails: the processes' logs are in flink/log. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
    private static LocalKafkaBroker broker;
    private static FlinkCluster cluster;
    private static String jar;
    private static EngineConfig shipped;

    @BeforeAll
    static void start() throws Exception {
        shipped = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        assertThat(shipped.outOfOrderness).as("the shipped bound").isEqualTo(Duration.ofMillis(500));
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        cluster = FlinkCluster.start(dir.resolve("flink"), Map.of(), 1);
        jar = cluster.upload(FlinkCluster.clusterJar());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The shipped at-least-once sinks: killed between two checkpoints, after outputs no checkpoint covers. */
    @Test
    void aTaskManagerKilledBetweenCheckpointsWithTheShippedDelivery() throws Exception {
        run("between", DeliveryGuarantee.AT_LEAST_ONCE, job -> {
            long done = cluster.completedCheckpoints(job);
            FlinkCluster.await(Duration.ofSeconds(30), () -> cluster.completedCheckpoints(job) > done,
                    () -> "a checkpoint after " + done);
            Thread.sleep(500); // half way to the next one: outputs written that no checkpoint covers
        });
    }

    /** Exactly-once sinks: killed while a checkpoint is in flight (triggered, not yet complete). */
    @Test
    void aTaskManagerKilledDuringACheckpointWithTransactionalSinks() throws Exception {
        run("during", DeliveryGuarantee.EXACTLY_ONCE, job -> {
            long done = cluster.completedCheckpoints(job);
            cluster.triggerCheckpoint(job);
            assertThat(cluster.completedCheckpoints(job)).as("the checkpoint had not completed at the kill")
                    .isEqualTo(done);
        });
    }

    /**
     * Exactly-once sinks: killed the moment the JobManager reports a checkpoint complete, while the
     * sinks commit its Kafka transactions (the commit happens after that report, in each task).
     */
    @Test
    void aTaskManagerKilledAsACheckpointCompletesWithTransactionalSinks() throws Exception {
        run("commit", DeliveryGuarantee.EXACTLY_ONCE, job -> {
            long done = cluster.completedCheckpoints(job);
            while (cluster.completedCheckpoints(job) == done) {
                Thread.sleep(5);
            }
        });
    }

    private interface KillPoint {
        /** Returns at the moment the TaskManager is to be killed. */
        void await(String job) throws Exception;
    }

    /** The job of the test running now, cancelled if the test fails (it holds the cluster's slots). */
    private static String running;

    @AfterEach
    void cancelWhatFailed() throws Exception {
        if (running != null && !cluster.jobStatus(running).equals("FINISHED")) {
            cluster.cancel(running);
        }
        running = null;
    }

    private static void run(String name, DeliveryGuarantee delivery, KillPoint killPoint) throws Exception {
        KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers()).withGuarantee(delivery)
                .withPrefix(name + ".");
        broker.createCareTopics(kafka);
        List<String> args = List.of("run", "--bootstrap-servers", broker.bootstrapServers(),
                "--config", Repository.path("jobs/kpi-engine/config.yaml").toString(),
                "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(), "--checkpoint-interval", "1s",
                "--delivery", delivery.name(), "--topic-prefix", name + ".");
        List<InteractionEvent> sent;
        String job;
        long committedAtKill;
        try (RealTimeTraffic traffic = RealTimeTraffic.start(broker.bootstrapServers(), kafka.eventsTopic(),
                PER_SECOND, name.hashCode())) {
            job = cluster.run(jar, "io.carekpi.cli.CareKpiCli", args, 2, null);
            running = job;
            cluster.awaitStatus(job, "RUNNING"::equals, Duration.ofMinutes(1));
            FlinkCluster.await(Duration.ofMinutes(1), () -> cluster.completedCheckpoints(job) >= 3,
                    () -> "three checkpoints of " + job);
            killPoint.await(job);
            cluster.killTaskManagers();
            committedAtKill = committed(kafka);
            assertThat(committedAtKill).as("input offsets committed by the checkpoints before the kill").isPositive();
            Thread.sleep(2_000);
            cluster.startTaskManager();
            FlinkCluster.await(Duration.ofMinutes(2), () -> restoredCheckpoint(job) != null
                            && "RUNNING".equals(cluster.jobStatus(job)),
                    () -> "the job restored from a checkpoint: " + checkpointSummary(job) + cluster.logTail("jobmanager"));
            Thread.sleep(4_000);
            sent = traffic.stop();
        }
        FlinkCluster.await(Duration.ofMinutes(1), () -> committed(kafka) >= sent.size(),
                () -> "the job's committed input offsets (" + committed(kafka) + ") reach the " + sent.size() + " sent");
        JsonNode restored = restoredCheckpoint(job);
        long readAfterRestore = sourceRecords(job);
        cluster.stopWithSavepoint(job, dir.resolve("savepoints"), true);

        assertThat(restored.path("is_savepoint").asBoolean()).as("restored from a checkpoint").isFalse();
        assertThat(readAfterRestore).as("records the source read after the restore: from the restored checkpoint's "
                        + "offsets (at or after the %d committed before the kill), not from the start (%d sent)",
                committedAtKill, sent.size()).isPositive().isLessThanOrEqualTo(sent.size() - committedAtKill);

        PipelineFixture expected = PipelineFixture.of(Files.createDirectories(dir.resolve(name)), shipped, broker, sent);
        List<String> deadLetters = KafkaTopics.readAll(broker.bootstrapServers(), kafka.dlqTopic()).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        assertThat(deadLetters).as("dead letters of %d sent", sent.size()).isEmpty();
        if (delivery == DeliveryGuarantee.EXACTLY_ONCE) {
            expected.assertOutputsEqualReplay(kafka);
        } else {
            expected.assertDeduplicatedOutputsEqualReplay(kafka);
        }
    }

    /** The checkpoint the job was last restored from (JobManager statistics), or null. */
    private static JsonNode restoredCheckpoint(String job) throws Exception {
        JsonNode r = cluster.checkpoints(job).path("latest").path("restored");
        return r.isMissingNode() || r.isNull() ? null : r;
    }

    private static String checkpointSummary(String job) {
        try {
            JsonNode c = cluster.checkpoints(job);
            return "status " + cluster.jobStatus(job) + ", counts " + c.path("counts") + ", restored "
                    + c.path("latest").path("restored");
        } catch (Exception e) {
            return e.toString();
        }
    }

    /**
     * Records the job's source tasks emitted since they last started (their task metric
     * {@code numRecordsOut}, summed over the subtasks, as the JobManager's REST API reports it).
     */
    private static long sourceRecords(String job) throws Exception {
        String source = null;
        for (JsonNode v : cluster.get("/jobs/" + job).path("vertices")) {
            if (v.path("name").asText().startsWith("Source")) {
                source = v.path("id").asText();
            }
        }
        assertThat(source).as("the source vertex of %s", job).isNotNull();
        String path = "/jobs/" + job + "/vertices/" + source + "/subtasks/metrics?get=numRecordsOut";
        long[] sum = new long[1];
        FlinkCluster.await(Duration.ofSeconds(20), () -> {
            JsonNode m = cluster.get(path);
            sum[0] = m.path(0).path("sum").asLong();
            return sum[0] > 0;
        }, () -> "the source's numRecordsOut: " + cluster.get(path));
        return sum[0];
    }

    /** The sum of the job's committed input offsets (its consumer group on the events topic). */
    private static long committed(KafkaSettings kafka) throws Exception {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(kafka.groupId())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(kafka.eventsTopic())
                    && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
        }
    }
}
