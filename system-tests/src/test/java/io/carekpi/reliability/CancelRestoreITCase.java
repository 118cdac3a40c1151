package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.io.AvroJson;
import io.carekpi.jobs.LiveJob;
import io.carekpi.schema.Channel;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SlaEvent;
import io.carekpi.testing.ConversationScript;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.KpiComparison;
import io.carekpi.testing.LivePipelineRun;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.PipelineFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 6 across whole-job restarts: the live job (unbounded source, exactly-once Kafka
 * sinks) is stopped with a savepoint a third of the way through the input, restored from it,
 * cancelled two thirds of the way through after a retained checkpoint, and restored again from
 * that checkpoint. The final {@code care.kpi} revisions and {@code care.sla} events equal the
 * replay: nothing lost, nothing written twice.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CancelRestoreITCase {
    private static final int PARTITIONS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    @TempDir static Path dir;
    private static PipelineFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = PipelineFixture.startShipped(dir, 600, 23, laterTraffic());
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /**
     * One article read per input partition, days after the generated day. An unbounded run's
     * watermark follows event time (plus the wall-clock length of pauses), so without later
     * traffic the day's last FCR verdicts (72 h) would take 72 h to come; these move every
     * partition's watermark past them, as the next days' traffic does in production.
     */
    private static List<InteractionEvent> laterTraffic() {
        List<InteractionEvent> out = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        long at = Instant.parse("2026-03-20T12:00:00Z").toEpochMilli();
        for (int i = 0; covered.size() < PARTITIONS; i++) {
            String session = "later-session-" + i;
            int partition = Utils.toPositive(Utils.murmur2(session.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (covered.add(partition)) {
                out.addAll(ConversationScript.conversation(session, Channel.APP).atMillis(at + i)
                        .articleViewed("kb-later", 1000).events());
            }
        }
        return out;
    }

    private static JobClient start(KafkaSettings run, String restoreFrom) throws Exception {
        return start(run, restoreFrom, false);
    }

    private static JobClient start(KafkaSettings run, String restoreFrom, boolean bounded) throws Exception {
        return start(run, restoreFrom, bounded, fixture.config);
    }

    private static JobClient start(KafkaSettings run, String restoreFrom, boolean bounded, EngineConfig config)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(400));
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        LiveJob.build(env, config, run, bounded, raw -> raw
                .map(new FaultInjection.Throttle(800)).name("throttle").uid("test-throttle")
                .map(new FaultInjection.Count()).name("count").uid("test-count"));
        return env.executeAsync((bounded ? "bounded, " : "") + (restoreFrom == null ? "fresh start"
                : "restored from " + restoreFrom));
    }

    @Test
    void stoppedWithASavepointAndCancelledAfterACheckpointMidStreamTheRestoredJobsLoseAndRepeatNothing(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        KafkaSettings run = fixture.newRun();
        long total = fixture.arrivals.size();

        // 1. A fresh job, stopped with a savepoint (not drained: timers stay pending) a third of the way in.
        FaultInjection.Count.SEEN.set(0);
        JobClient first = start(run, null);
        awaitSeen(first, total / 3);
        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(90, TimeUnit.SECONDS);
        long seenFirst = FaultInjection.Count.SEEN.get();
        assertThat(seenFirst).as("stopped mid-stream").isLessThan(total);

        // 2. Restored from the savepoint; cancelled two thirds of the way in, after a retained checkpoint.
        FaultInjection.Count.SEEN.set(0);
        JobClient second = start(run, savepoint);
        assertRestoredFrom(cluster, second.getJobID(), savepoint);
        awaitSeen(second, total / 3);
        Path secondCheckpoints = dir.resolve("checkpoints").resolve(second.getJobID().toHexString());
        long before = latestCheckpoint(secondCheckpoints);
        await(second, "a checkpoint after two thirds", 60, () -> latestCheckpoint(secondCheckpoints) > before);
        second.cancel().get(60, TimeUnit.SECONDS);
        await(second, "the cancellation", 60, () -> status(second) == JobStatus.CANCELED);
        long seenSecond = FaultInjection.Count.SEEN.get();
        assertThat(seenFirst + seenSecond).as("cancelled mid-stream").isLessThan(total);
        String checkpoint = secondCheckpoints.resolve("chk-" + latestCheckpoint(secondCheckpoints)).toUri().toString();

        // 3. Restored from the retained checkpoint; runs until the outputs equal the replay, then cancelled.
        FaultInjection.Count.SEEN.set(0);
        JobClient third = start(run, checkpoint);
        assertRestoredFrom(cluster, third.getJobID(), checkpoint);
        String[] last = {"nothing read yet"};
        await(third, () -> "the outputs equal to the replay (last check: " + last[0] + ")", 120, () -> {
            try {
                last[0] = fixture.outputDifferences(run);
                return last[0] == null;
            } catch (Exception e) {
                last[0] = e.toString();
                return false;
            }
        });
        assertThat(FaultInjection.Count.SEEN.get()).as("the third job read the rest, not everything")
                .isPositive().isLessThan(total);
        third.cancel().get(60, TimeUnit.SECONDS);
        await(third, "the cancellation", 60, () -> status(third) == JobStatus.CANCELED);
        fixture.assertOutputsEqualReplay(run);
    }

    /**
     * A bounded run (a catch-up) stopped with a savepoint and restored stops at the offsets of its
     * first start and finishes: the Kafka connector's restored enumerator never tells the readers
     * that no more splits will come (FLINK-33466), which {@code BoundedRestoreKafkaSource} does.
     */
    @Test
    void aBoundedRunStoppedWithASavepointAndRestoredFinishesWithTheReplaysOutputs() throws Exception {
        KafkaSettings run = fixture.newRun();
        long total = fixture.arrivals.size();
        FaultInjection.Count.SEEN.set(0);
        JobClient first = start(run, null, true);
        awaitSeen(first, total / 2);
        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(90, TimeUnit.SECONDS);
        assertThat(FaultInjection.Count.SEEN.get()).as("stopped mid-stream").isLessThan(total);

        FaultInjection.Count.SEEN.set(0);
        JobClient second = start(run, savepoint, true);
        second.getJobExecutionResult().get(90, TimeUnit.SECONDS);
        assertThat(FaultInjection.Count.SEEN.get()).as("the restored run read the rest").isPositive()
                .isLessThan(total);
        fixture.assertOutputsEqualReplay(run);
    }

    /**
     * Upgrades: a savepoint of the live job taken by a released build (kept in
     * {@code src/test/resources/upgrade/v1}: {@code InteractionEvent} v1, before {@code language}
     * was added; written by {@link UpgradeSavepoint}) restores into this build, which reads the rest
     * of the day. With what the released job had committed before it was stopped, the outputs are
     * the replay's: every KPI's latest revision, each SLA event and conversation summary once.
     */
    @Test
    void aSavepointOfTheReleasedV1JobRestoresIntoThisBuildAndTogetherTheyWriteTheReplaysOutputs(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        Path kept = Path.of("src/test/resources/upgrade/v1");
        List<InteractionEvent> events = new ArrayList<>(UpgradeSavepoint.day());
        events.addAll(laterTraffic());
        // The kept savepoint was taken by a job with the tests' configuration of then (a 10-minute
        // outOfOrderness over a day with 5 s of disorder): the restored job and the replay use it too.
        EngineConfig v1Config = LivePipelineRun.testConfig();
        Path replay = PipelineFixture.replay(events, v1Config, Files.createDirectories(dir.resolve("upgrade")));
        Instant compareBefore = Instant.parse("2026-03-20T00:00:00Z"); // the later traffic's windows never end
        Map<String, JsonNode> expectedKpis = new TreeMap<>(KpiComparison.replayKpis(replay));
        expectedKpis.keySet().removeIf(k -> !Instant.parse(k.split("\\|")[1]).isBefore(compareBefore));
        TreeSet<String> expectedSla = new TreeSet<>(Files.readAllLines(replay.resolve("sla.jsonl")));

        KafkaSettings run = UpgradeSavepoint.topics(fixture.broker.bootstrapServers());
        fixture.broker.createCareTopics(run);
        // The first half lands at the offsets the savepoint's source state recorded.
        KafkaTopics.produce(fixture.broker.bootstrapServers(), run.eventsTopic(), events);
        String savepoint = kept.resolve("savepoint").toAbsolutePath().toUri().toString();
        FaultInjection.Count.SEEN.set(0);
        JobClient job = start(run, savepoint, false, v1Config);
        assertRestoredFrom(cluster, job.getJobID(), savepoint);

        List<ConsumerRecord<byte[], byte[]>> keptKpis = UpgradeSavepoint.readKept(kept.resolve("kpi.b64"));
        List<ConsumerRecord<byte[], byte[]>> keptSla = UpgradeSavepoint.readKept(kept.resolve("sla.b64"));
        String[] last = {"nothing read yet"};
        await(job, () -> "the outputs of both builds equal to the replay (last check: " + last[0] + ")", 120, () -> {
            try {
                Map<String, JsonNode> kpis = new TreeMap<>(KpiComparison.latestKafkaKpis(concat(keptKpis,
                        KafkaTopics.readAll(fixture.broker.bootstrapServers(), run.kpiTopic()))));
                kpis.keySet().removeIf(k -> !Instant.parse(k.split("\\|")[1]).isBefore(compareBefore));
                List<String> diffs = KpiComparison.differences(expectedKpis, kpis);
                TreeSet<String> sla = KpiComparison.kafkaSla(concat(keptSla,
                        KafkaTopics.readAll(fixture.broker.bootstrapServers(), run.slaTopic())));
                last[0] = diffs.size() + " KPI differences (first " + diffs.stream().limit(1).toList() + "), "
                        + sla.size() + " of " + expectedSla.size() + " SLA events";
                return diffs.isEmpty() && sla.equals(expectedSla);
            } catch (Exception e) {
                last[0] = e.toString();
                return false;
            }
        });
        job.cancel().get(60, TimeUnit.SECONDS);
        await(job, "the cancellation", 60, () -> status(job) == JobStatus.CANCELED);
        assertThat(FaultInjection.Count.SEEN.get()).as("the upgraded job read the second half, not the first")
                .isLessThan(events.size());

        // exactly once across the upgrade: no SLA event or summary written by both builds
        List<String> slaEvents = new ArrayList<>();
        for (var r : concat(keptSla, KafkaTopics.readAll(fixture.broker.bootstrapServers(), run.slaTopic()))) {
            slaEvents.add(AvroJson.encode(SlaEvent.getDecoder().decode(r.value())));
        }
        assertThat(slaEvents).as("SLA events of both builds").doesNotHaveDuplicates().hasSize(expectedSla.size());
        List<String> summaries = new ArrayList<>();
        for (var r : concat(UpgradeSavepoint.readKept(kept.resolve("conversations.b64")),
                KafkaTopics.readAll(fixture.broker.bootstrapServers(), run.conversationsTopic()))) {
            summaries.add(AvroJson.encode(ConversationSummary.getDecoder().decode(r.value())));
        }
        summaries.sort(null);
        List<String> expectedSummaries = new ArrayList<>(Files.readAllLines(replay.resolve("conversations.jsonl")));
        expectedSummaries.sort(null);
        assertThat(summaries).as("conversation summaries of both builds").isEqualTo(expectedSummaries);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void awaitSeen(JobClient job, long records) throws Exception {
        await(job, records + " records read", 90, () -> FaultInjection.Count.SEEN.get() >= records);
    }

    private static void await(JobClient job, String what, int seconds, BooleanSupplier condition) throws Exception {
        await(job, () -> what, seconds, condition);
    }

    /** Waits for {@code condition}; fails at once with the job's failure if the job ends otherwise. */
    private static void await(JobClient job, Supplier<String> what, int seconds, BooleanSupplier condition)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            JobStatus s = status(job);
            if (s.isGloballyTerminalState() && s != JobStatus.CANCELED) {
                job.getJobExecutionResult().get(); // throws the job's failure
                throw new AssertionError("job ended (" + s + ") while waiting for " + what.get());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what.get() + " within " + seconds + " s (job " + s + ")");
            }
            Thread.sleep(200);
        }
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the job's status", e);
        }
    }

    /** The highest completed checkpoint (one with metadata) of a job, or 0. */
    private static long latestCheckpoint(Path jobCheckpoints) {
        if (!Files.isDirectory(jobCheckpoints)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(jobCheckpoints)) {
            return s.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString().substring(4))).max().orElse(0);
        } catch (IOException e) {
            return 0; // a checkpoint directory being deleted while listed; ask again
        }
    }

    /** The job's REST statistics name the snapshot it was restored from. */
    private static void assertRestoredFrom(ClusterClient<?> cluster, JobID job, String snapshot) throws Exception {
        String name = Path.of(URI.create(snapshot)).getFileName().toString();
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(cluster.getWebInterfaceURL() + "/jobs/" + job + "/checkpoints");
        String restored = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (restored == null && System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode path = r.statusCode() == 200 ? JSON.readTree(r.body()).path("latest").path("restored")
                    .path("external_path") : null;
            if (path != null && path.isTextual()) {
                restored = path.asText();
            } else {
                Thread.sleep(300);
            }
        }
        assertThat(restored).as("the job was restored from a snapshot").isNotNull();
        assertThat(restored).as("the snapshot the job was restored from").endsWith(name);
    }
}
