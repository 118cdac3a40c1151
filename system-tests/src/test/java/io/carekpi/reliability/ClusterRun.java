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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One run of the job as shipped on a real cluster through a fault: traffic produced as it happens
 * (150 events/s), the cluster jar submitted over REST with the shipped configuration (500 ms
 * {@code outOfOrderness}) and 1 s checkpoints, the fault injected once three checkpoints have
 * completed, the platform's recovery, then more traffic. Asserts that the job was restored from a
 * checkpoint (the JobManager's statistics) and read on from its offsets (its source emitted no more
 * than what followed the offsets committed before the fault), and, after a drained stop with a
 * savepoint, that every output equals the replay of what was produced, and that the dead letters
 * are exactly the invalid records mixed into the traffic, record by record.
 */
final class ClusterRun {
    private static final int PER_SECOND = 150;
    /** One record no decoder accepts after every so many events: dead letters to compare. */
    private static final int INVALID_EVERY = 50;

    /** What the traffic produced: the events, and the invalid records the job must dead-letter. */
    private record Sent(List<InteractionEvent> events, List<String> invalid) {
        /** Records on the events topic. */
        long records() {
            return events.size() + invalid.size();
        }
    }

    /** A fault and the recovery a container platform makes of it. */
    interface Fault {
        /** Waits for the moment to inject the fault, and injects it (a process killed). */
        void inject(String job) throws Exception;

        /** What the platform does next (the killed process started again). */
        void recover() throws Exception;

        /** What the job must do about the fault. */
        default Recovery recovery() {
            return Recovery.FROM_CHECKPOINT;
        }
    }

    /** How a job must come through a fault. */
    enum Recovery {
        /** Fail over: restart from its last checkpoint (asserted, with the source's offsets). */
        FROM_CHECKPOINT,
        /** Keep running: no restart. */
        WITHOUT_RESTART,
        /** Either (a fault its clients may ride out by reconnecting). */
        ANY
    }

    private final FlinkCluster cluster;
    private final LocalKafkaBroker broker;
    private final Path dir;
    private final String jar;
    private final EngineConfig shipped;
    /** The job of the run in progress, for {@link #cancelUnfinished} (it holds the cluster's slots). */
    private String running;

    ClusterRun(FlinkCluster cluster, LocalKafkaBroker broker, Path dir) throws Exception {
        this.cluster = cluster;
        this.broker = broker;
        this.dir = dir;
        this.jar = cluster.upload(FlinkCluster.clusterJar());
        this.shipped = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        assertThat(shipped.outOfOrderness).as("the shipped bound").isEqualTo(Duration.ofMillis(500));
    }

    /** Cancels the job of a run that failed before stopping it. */
    void cancelUnfinished() throws Exception {
        if (running != null && !cluster.jobStatus(running).equals("FINISHED")) {
            cluster.cancel(running);
        }
        running = null;
    }

    void run(String name, DeliveryGuarantee delivery, Fault fault, String... moreArgs) throws Exception {
        KafkaSettings kafka = topics(name, delivery);
        Sent sent;
        String job;
        long committedBeforeFault;
        try (RealTimeTraffic traffic = RealTimeTraffic.start(broker.bootstrapServers(), kafka.eventsTopic(),
                PER_SECOND, name.hashCode(), INVALID_EVERY)) {
            job = submit(name, kafka, 2, null, moreArgs);
            FlinkCluster.await(Duration.ofSeconds(30), () -> committed(kafka) > 0,
                    () -> "input offsets committed by the checkpoints before the fault");
            committedBeforeFault = committed(kafka);
            fault.inject(job);
            Thread.sleep(2_000);
            fault.recover();
            if (fault.recovery() == Recovery.FROM_CHECKPOINT) {
                FlinkCluster.await(Duration.ofMinutes(2), () -> "RUNNING".equals(cluster.jobStatus(job))
                                && restoredCheckpoint(job) != null,
                        () -> "the job restored from a checkpoint: " + checkpointSummary(job)
                                + cluster.logTail("jobmanager"));
            }
            Thread.sleep(2_000);
            sent = new Sent(traffic.stop(), traffic.sentInvalid());
        }
        awaitAllRead(kafka, sent);
        JsonNode restored = restoredCheckpoint(job);
        long readAfterRestore = sourceRecords(job);
        cluster.stopWithSavepoint(job, dir.resolve("savepoints"), true);
        running = null;

        if (fault.recovery() == Recovery.WITHOUT_RESTART) {
            assertThat(restored).as("restored from a checkpoint (the job failed over)").isNull();
        }
        if (fault.recovery() == Recovery.FROM_CHECKPOINT) {
            assertThat(restored.path("is_savepoint").asBoolean()).as("restored from a checkpoint").isFalse();
            assertThat(readAfterRestore).as("records the source read after the restore: from the restored "
                            + "checkpoint's offsets (at or after the %d committed before the fault), not from the "
                            + "start (%d sent)", committedBeforeFault, sent.records())
                    .isPositive().isLessThanOrEqualTo(sent.records() - committedBeforeFault);
        }
        assertOutputsEqualReplay(name, kafka, sent);
    }

    /**
     * A job whose TaskManager dies between checkpoints, with Kafka transactions open, and which is
     * then cancelled: its transactions linger, and {@code read_committed} consumers of every output
     * stop at them. A new job started from the dead job's last checkpoint (as an operator restarts
     * a job from its retained checkpoint) aborts them at once — consumers move on long before the
     * transaction timeout (10 min) — and the outputs of both jobs together equal the replay.
     */
    void restartFromTheRetainedCheckpointOfADeadJob(String name) throws Exception {
        KafkaSettings kafka = topics(name, DeliveryGuarantee.EXACTLY_ONCE);
        Sent sent;
        String job;
        try (RealTimeTraffic traffic = RealTimeTraffic.start(broker.bootstrapServers(), kafka.eventsTopic(),
                PER_SECOND, name.hashCode(), INVALID_EVERY)) {
            String dead = submit(name, kafka, 2, null);
            long done = cluster.completedCheckpoints(dead);
            FlinkCluster.await(Duration.ofSeconds(30), () -> cluster.completedCheckpoints(dead) > done,
                    () -> "a checkpoint after " + done);
            Thread.sleep(500); // records written in transactions no checkpoint covers
            cluster.killTaskManagers();
            cluster.cancel(dead);
            running = null;
            // the checkpoint retained on cancellation, as an operator finds it (older ones are deleted)
            String checkpoint;
            try (var chk = Files.list(dir.resolve("checkpoints").resolve(dead))) {
                checkpoint = chk.filter(p -> p.getFileName().toString().startsWith("chk-")
                                && Files.exists(p.resolve("_metadata")))
                        .max(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                        .orElseThrow().toUri().toString();
            }
            List<String> outputs = List.of(kafka.kpiTopic(), kafka.slaTopic(), kafka.conversationsTopic(),
                    kafka.dlqTopic(), kafka.queueTopic());
            assertThat(KafkaTopics.hasOpenTransactions(broker.bootstrapServers(), outputs))
                    .as("the dead job left open transactions").isTrue();
            var deadJobsEnds = KafkaTopics.ends(broker.bootstrapServers(), outputs);
            cluster.startTaskManager();
            job = submit(name, kafka, 2, checkpoint);
            assertThat(Path.of(java.net.URI.create(restoredCheckpoint(job).path("external_path").asText())))
                    .as("restored from the dead job's last checkpoint").isEqualTo(Path.of(java.net.URI.create(checkpoint)));
            // fails after 60 s, far below the transaction timeout (10 min)
            KafkaTopics.awaitStablePast(broker.bootstrapServers(), outputs, deadJobsEnds);
            Thread.sleep(3_000);
            sent = new Sent(traffic.stop(), traffic.sentInvalid());
        }
        awaitAllRead(kafka, sent);
        cluster.stopWithSavepoint(job, dir.resolve("savepoints"), true);
        running = null;
        assertOutputsEqualReplay(name, kafka, sent);
    }

    /**
     * The job stopped with a savepoint and started again from it at each parallelism in turn (the
     * first is the one it starts with), a few seconds of traffic at each; exactly-once sinks.
     */
    void rescale(String name, int... parallelisms) throws Exception {
        KafkaSettings kafka = topics(name, DeliveryGuarantee.EXACTLY_ONCE);
        Sent sent;
        String job;
        try (RealTimeTraffic traffic = RealTimeTraffic.start(broker.bootstrapServers(), kafka.eventsTopic(),
                PER_SECOND, name.hashCode(), INVALID_EVERY)) {
            job = submit(name, kafka, parallelisms[0], null);
            for (int i = 1; i < parallelisms.length; i++) {
                String savepoint = cluster.stopWithSavepoint(job, dir.resolve("savepoints"), false);
                running = null;
                job = submit(name, kafka, parallelisms[i], savepoint);
                JsonNode restored = restoredCheckpoint(job);
                assertThat(restored).as("job %d restored", i).isNotNull();
                assertThat(restored.path("is_savepoint").asBoolean()).as("restored from the savepoint").isTrue();
                assertThat(restored.path("external_path").asText()).as("restored from %s", savepoint)
                        .isEqualTo(savepoint);
                JsonNode vertices = cluster.get("/jobs/" + job).path("vertices");
                for (JsonNode v : vertices) {
                    assertThat(v.path("parallelism").asInt()).as("parallelism of %s", v.path("name").asText())
                            .isEqualTo(parallelisms[i]);
                }
            }
            sent = new Sent(traffic.stop(), traffic.sentInvalid());
        }
        awaitAllRead(kafka, sent);
        cluster.stopWithSavepoint(job, dir.resolve("savepoints"), true);
        running = null;
        assertOutputsEqualReplay(name, kafka, sent);
    }

    /**
     * Submits the job with the command line a deployment needs and nothing of checkpoints (as the
     * FlinkDeployment does), so the cluster's configuration decides them; returns once it runs.
     */
    String submitLeavingCheckpointsToTheCluster(String name) throws Exception {
        topics(name, DeliveryGuarantee.AT_LEAST_ONCE);
        String job = cluster.run(jar, "io.carekpi.cli.CareKpiCli", List.of("run", "--bootstrap-servers",
                broker.bootstrapServers(), "--config", Repository.path("jobs/kpi-engine/config.yaml").toString(),
                "--topic-prefix", name + "."), 2, null);
        running = job;
        cluster.awaitStatus(job, "RUNNING"::equals, Duration.ofMinutes(1));
        return job;
    }

    private KafkaSettings topics(String name, DeliveryGuarantee delivery) throws Exception {
        KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers()).withGuarantee(delivery)
                .withPrefix(name + ".");
        broker.createCareTopics(kafka);
        return kafka;
    }

    /**
     * Submits the cluster jar with the shipped configuration on the run's topics ({@code name.care.*}), from a
     * savepoint unless null, and returns once the job is running and three checkpoints completed.
     */
    private String submit(String name, KafkaSettings kafka, int parallelism, String savepoint, String... moreArgs)
            throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--bootstrap-servers", broker.bootstrapServers(),
                "--config", Repository.path("jobs/kpi-engine/config.yaml").toString(),
                "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(), "--checkpoint-interval", "1s",
                "--delivery", kafka.deliveryGuarantee().name(), "--topic-prefix", name + ".",
                // the shipped tolerance, whatever the cluster's configuration says
                "--tolerable-failed-checkpoints",
                String.valueOf(io.carekpi.jobs.RuntimeSettings.SHIPPED_TOLERABLE_FAILED_CHECKPOINTS)));
        args.addAll(List.of(moreArgs));
        String job = cluster.run(jar, "io.carekpi.cli.CareKpiCli", args, parallelism, savepoint);
        running = job;
        cluster.awaitStatus(job, "RUNNING"::equals, Duration.ofMinutes(1));
        FlinkCluster.await(Duration.ofMinutes(1), () -> cluster.completedCheckpoints(job) >= 3,
                () -> "three checkpoints of " + job);
        return job;
    }

    /** Waits until the job's committed input offsets cover everything sent. */
    private void awaitAllRead(KafkaSettings kafka, Sent sent) throws Exception {
        FlinkCluster.await(Duration.ofMinutes(1), () -> committed(kafka) >= sent.records(),
                () -> "the job's committed input offsets (" + committed(kafka) + ") reach the " + sent.records()
                        + " records sent");
    }

    /**
     * The dead letters are exactly the invalid records sent, each as it came (its bytes) and marked
     * rejected — record by record, each once (at-least-once: copies allowed, identical) — and every
     * other output equals the replay of the events sent.
     */
    private void assertOutputsEqualReplay(String name, KafkaSettings kafka, Sent sent) throws Exception {
        PipelineFixture expected = PipelineFixture.of(Files.createDirectories(dir.resolve(name)), shipped, broker,
                sent.events());
        List<String> deadLetters = new java.util.ArrayList<>();
        List<String> origins = new java.util.ArrayList<>();
        for (var r : KafkaTopics.readAll(broker.bootstrapServers(), kafka.dlqTopic())) {
            var kind = r.headers().lastHeader(io.carekpi.connectors.kafka.DeadLetterSerializer.KIND);
            var origin = r.headers().lastHeader(io.carekpi.connectors.kafka.DeadLetterSerializer.ORIGIN);
            deadLetters.add((kind == null ? "?" : new String(kind.value(), StandardCharsets.UTF_8)) + ": "
                    + new String(r.value(), StandardCharsets.UTF_8));
            origins.add(origin == null ? "?" : new String(origin.value(), StandardCharsets.UTF_8));
        }
        List<String> expectedDeadLetters = sent.invalid().stream().map(v -> "rejected: " + v).sorted().toList();
        assertThat(expectedDeadLetters).as("invalid records sent").isNotEmpty();
        // The test producer may write a record twice (a retried request): each input record, by
        // its origin (topic-partition@offset), must be dead-lettered once with exactly-once sinks.
        assertThat(deadLetters.stream().distinct().sorted().toList())
                .as("care.dlq against the invalid records sent").isEqualTo(expectedDeadLetters);
        boolean exactlyOnce = kafka.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE;
        if (exactlyOnce) {
            assertThat(origins).as("care.dlq: each input record dead-lettered once").doesNotHaveDuplicates();
        }
        if (exactlyOnce) {
            expected.assertOutputsEqualReplay(kafka);
        } else {
            expected.assertDeduplicatedOutputsEqualReplay(kafka);
        }
    }

    /** The checkpoint the job was last restored from (JobManager statistics), or null. */
    JsonNode restoredCheckpoint(String job) throws Exception {
        JsonNode r = cluster.checkpoints(job).path("latest").path("restored");
        return r.isMissingNode() || r.isNull() ? null : r;
    }

    private String checkpointSummary(String job) {
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
    private long sourceRecords(String job) throws Exception {
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
            sum[0] = cluster.get(path).path(0).path("sum").asLong();
            return sum[0] > 0;
        }, () -> "the source's numRecordsOut: " + cluster.get(path));
        return sum[0];
    }

    /** The sum of the job's committed input offsets (its consumer group on the events topic). */
    private long committed(KafkaSettings kafka) throws Exception {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(kafka.groupId())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(kafka.eventsTopic())
                    && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
        }
    }
}
