package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.testing.FlinkCluster;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.LocalZooKeeper;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults as a real cluster sees them, on a standalone Flink cluster with ZooKeeper high
 * availability (a JobManager and a TaskManager with four slots as processes of their own, started
 * from Flink's distribution jars; the cluster jar submitted over REST with the shipped
 * configuration), a real Kafka broker and a real ZooKeeper server: processes killed with
 * {@code kill -9} at several points of the checkpoint cycle, the JobManager failing over, Kafka
 * transactions through a broker crash, a timeout and a dead job, and rescaling. Each run's
 * outputs are compared with the replay of what was produced ({@link ClusterRun}).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ClusterFaultsITCase {
    /** Kept when a test fails: the processes' logs are in flink/log. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
    private static LocalZooKeeper zooKeeper;
    private static LocalKafkaBroker broker;
    private static FlinkCluster cluster;
    private static ClusterRun runs;

    @BeforeAll
    static void start() throws Exception {
        zooKeeper = LocalZooKeeper.start(dir.resolve("zookeeper"));
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        cluster = FlinkCluster.start(dir.resolve("flink"), Map.of(
                "taskmanager.numberOfTaskSlots", "4",
                "high-availability.type", "zookeeper",
                "high-availability.zookeeper.quorum", zooKeeper.connectString(),
                "high-availability.storageDir", dir.resolve("ha").toUri().toString(),
                "high-availability.cluster-id", "carekpi-test",
                // a killed JobManager's leadership lapses with its ZooKeeper session: 15 s here
                // instead of Flink's 60 s default, so the restarted one takes over sooner
                "high-availability.zookeeper.client.session-timeout", "15000",
                // what a FlinkDeployment's flinkConfiguration sets; the runs below give their own
                "execution.checkpointing.interval", "3 s",
                "execution.checkpointing.dir", dir.resolve("cluster-checkpoints").toUri().toString(),
                "execution.checkpointing.tolerable-failed-checkpoints", "5"), 1);
        runs = new ClusterRun(cluster, broker, dir);
    }

    @AfterEach
    void cancelWhatFailed() throws Exception {
        runs.cancelUnfinished();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (zooKeeper != null) {
            zooKeeper.close();
        }
    }

    private interface Moment {
        void await(String job) throws Exception;
    }

    /** The TaskManager killed when {@code moment} returns, and a new one started 2 s later. */
    private static ClusterRun.Fault killTaskManager(Moment moment) {
        return new ClusterRun.Fault() {
            @Override
            public void inject(String job) throws Exception {
                moment.await(job);
                cluster.killTaskManagers();
            }

            @Override
            public void recover() throws Exception {
                cluster.startTaskManager();
            }
        };
    }

    /** Returns the moment the JobManager reports a checkpoint of {@code job} complete. */
    private static void aCheckpointCompleting(String job) throws Exception {
        long done = cluster.completedCheckpoints(job);
        while (cluster.completedCheckpoints(job) == done) {
            Thread.sleep(5);
        }
    }

    /** Half a second after a checkpoint completed: outputs written that no checkpoint covers. */
    private static void betweenCheckpoints(String job) throws Exception {
        aCheckpointCompleting(job);
        Thread.sleep(500);
    }

    /** The shipped at-least-once sinks: the TaskManager killed between two checkpoints. */
    @Test
    void aTaskManagerKilledBetweenCheckpointsWithTheShippedDelivery() throws Exception {
        runs.run("between", DeliveryGuarantee.AT_LEAST_ONCE, killTaskManager(ClusterFaultsITCase::betweenCheckpoints));
    }

    /**
     * Exactly-once sinks: the TaskManager killed the moment a checkpoint has been triggered (over
     * REST), while its barriers travel through the job and the sinks pre-commit.
     */
    @Test
    void aTaskManagerKilledDuringACheckpointWithTransactionalSinks() throws Exception {
        runs.run("during", DeliveryGuarantee.EXACTLY_ONCE, killTaskManager(cluster::triggerCheckpoint));
    }

    /**
     * Exactly-once sinks: the TaskManager killed the moment the JobManager reports a checkpoint
     * complete, while the sinks commit its Kafka transactions (the commit happens after that
     * report, in each task). The restored job commits that checkpoint's transactions again; where
     * they were committed before the kill, the Kafka committer logs "producer is already fenced"
     * (docs/operations.md), and the outputs show nothing lost and nothing twice.
     */
    @Test
    void aTaskManagerKilledAsACheckpointCompletesWithTransactionalSinks() throws Exception {
        runs.run("commit", DeliveryGuarantee.EXACTLY_ONCE, killTaskManager(ClusterFaultsITCase::aCheckpointCompleting));
    }

    /**
     * The JobManager killed mid-stream and started again: with ZooKeeper HA it finds the job and
     * its latest checkpoint in ZooKeeper and the HA storage directory, the TaskManager reconnects,
     * and the same job resumes from the checkpoint. Without HA the job would be gone.
     */
    @Test
    void aJobManagerKilledMidStreamAndStartedAgainResumesTheJobFromItsCheckpoint() throws Exception {
        runs.run("jobmanager", DeliveryGuarantee.EXACTLY_ONCE, new ClusterRun.Fault() {
            @Override
            public void inject(String job) throws Exception {
                betweenCheckpoints(job);
                cluster.killJobManager();
            }

            @Override
            public void recover() throws Exception {
                cluster.startJobManager();
            }
        });
    }

    /**
     * The broker process killed (SIGKILL: no clean shutdown) the moment a checkpoint completes,
     * while the exactly-once sinks commit its transactions, and started again on its data 2 s
     * later. The job's clients reconnect or the job restarts from its checkpoint; either way the
     * committed outputs equal the replay.
     */
    @Test
    void theBrokerKilledDuringACommit() throws Exception {
        runs.run("brokerkill", DeliveryGuarantee.EXACTLY_ONCE, new ClusterRun.Fault() {
            @Override
            public void inject(String job) throws Exception {
                aCheckpointCompleting(job);
                ProcessHandle process = ProcessHandle.of(broker.pid()).orElseThrow();
                process.destroyForcibly();
                process.onExit().get(30, TimeUnit.SECONDS);
            }

            @Override
            public void recover() throws Exception {
                LocalKafkaBroker dead = broker;
                broker = LocalKafkaBroker.start(dir.resolve("kafka")); // same data, same port
                dead.close();
            }

            @Override
            public ClusterRun.Recovery recovery() {
                return ClusterRun.Recovery.ANY;
            }
        });
    }

    /**
     * {@code transaction.timeout.ms} set to 5 s; the TaskManager killed half a second after a
     * checkpoint (its next transactions open) and none started until the broker has aborted them
     * for their timeout. Restored then, the job writes again what those transactions held.
     */
    @Test
    void theJobDownLongerThanTheTransactionTimeout() throws Exception {
        List<String> outputs = List.of("timeout.care.kpi", "timeout.care.sla", "timeout.care.conversations");
        runs.run("timeout", DeliveryGuarantee.EXACTLY_ONCE, new ClusterRun.Fault() {
            @Override
            public void inject(String job) throws Exception {
                // Killed only once every sink (the dead letters' too) has committed the completed
                // checkpoint: a transaction still waiting for its commit would be aborted by the
                // timeout with its records, the loss Flink's documentation warns of when a job
                // is down longer than transaction.timeout.ms, which is not what this test is for.
                aCheckpointCompleting(job);
                long completed = cluster.checkpoints(job).path("latest").path("completed").path("id").asLong();
                FlinkCluster.await(Duration.ofSeconds(30),
                        () -> KafkaTopics.openTransactionsUpTo(broker.bootstrapServers(), completed).isEmpty(),
                        () -> "the sinks committing checkpoint " + completed + "'s transactions");
                Thread.sleep(300);
                assertThat(KafkaTopics.openTransactionsUpTo(broker.bootstrapServers(), Long.MAX_VALUE))
                        .as("the next checkpoint's transactions, named as the wait above expects").isNotEmpty();
                cluster.killTaskManagers();
                assertThat(KafkaTopics.hasOpenTransactions(broker.bootstrapServers(), outputs))
                        .as("transactions open at the kill").isTrue();
            }

            @Override
            public void recover() throws Exception {
                // The broker looks for timed-out transactions every 10 s
                // (transaction.abort.timed.out.transaction.cleanup.interval.ms).
                FlinkCluster.await(Duration.ofSeconds(60),
                        () -> !KafkaTopics.hasOpenTransactions(broker.bootstrapServers(), outputs),
                        () -> "the broker aborting the dead TaskManager's transactions");
                cluster.startTaskManager();
            }
        }, "--kafka-property", "transaction.timeout.ms=5000");
    }

    /** Transactions left open by a job that died and was cancelled, then started again from its last checkpoint. */
    @Test
    void transactionsLeftOpenByADeadJob() throws Exception {
        runs.restartFromTheRetainedCheckpointOfADeadJob("lingering");
    }

    /**
     * Checkpoint storage that cannot be written for {@code blocked} checkpoints in a row: a regular
     * file stands where each of the next checkpoints' directories would be created, so each fails
     * with an I/O error, as on a read-only or full volume. (The tests run as root, to whom
     * permissions are no obstacle.) Returns once {@code failed} checkpoints have failed: one fewer
     * than blocked, as the first blocked one may have started before its block was in place.
     */
    private static ClusterRun.Fault unwritableCheckpoints(int blocked, int failed, ClusterRun.Recovery recovery) {
        return new ClusterRun.Fault() {
            private final List<Path> blocks = new java.util.ArrayList<>();

            @Override
            public void inject(String job) throws Exception {
                long last = cluster.checkpoints(job).path("latest").path("completed").path("id").asLong();
                long failedBefore = cluster.checkpoints(job).path("counts").path("failed").asLong();
                Path jobDir = dir.resolve("checkpoints").resolve(job);
                // the next one may be under way already: block from the one after it
                for (long id = last + 2; id < last + 2 + blocked; id++) {
                    blocks.add(java.nio.file.Files.writeString(jobDir.resolve("chk-" + id), "not a directory"));
                }
                FlinkCluster.await(Duration.ofMinutes(1), () -> cluster.checkpoints(job).path("counts").path("failed")
                        .asLong() - failedBefore >= failed, () -> failed + " failed checkpoints: "
                        + cluster.checkpoints(job).path("counts"));
                if (recovery == ClusterRun.Recovery.FROM_CHECKPOINT) {
                    FlinkCluster.await(Duration.ofMinutes(1), () -> runs.restoredCheckpoint(job) != null,
                            () -> "the job failing over after " + blocked + " failed checkpoints");
                }
            }

            @Override
            public void recover() throws Exception {
                for (Path p : blocks) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }

            @Override
            public ClusterRun.Recovery recovery() {
                return recovery;
            }
        };
    }

    /**
     * One or two checkpoints in a row that cannot be written: within the shipped tolerance (three),
     * so the job keeps running without a restart, and the next checkpoint completes.
     */
    @Test
    void checkpointStorageUnwritableForTwoCheckpointsLeavesTheJobRunning() throws Exception {
        runs.run("storage-blip", DeliveryGuarantee.AT_LEAST_ONCE,
                unwritableCheckpoints(2, 1, ClusterRun.Recovery.WITHOUT_RESTART));
    }

    /**
     * Four or five checkpoints in a row that cannot be written: the fourth failure exceeds the
     * shipped tolerance, the job fails over to its last checkpoint, and once storage can be written
     * again it checkpoints and finishes with the replay's outputs.
     */
    @Test
    void checkpointStorageUnwritableBeyondTheToleranceFailsTheJobOver() throws Exception {
        runs.run("storage-down", DeliveryGuarantee.AT_LEAST_ONCE,
                unwritableCheckpoints(5, 4, ClusterRun.Recovery.FROM_CHECKPOINT));
    }

    /**
     * The cluster's checkpoint settings take effect when the job's command line leaves them out,
     * as a FlinkDeployment's {@code flinkConfiguration} must (until 2026-12-01 the job's own
     * defaults, 10 s and a directory under /tmp, silently won).
     */
    @Test
    void theClustersCheckpointSettingsTakeEffectWhenTheCommandLineLeavesThemOut() throws Exception {
        String job = runs.submitLeavingCheckpointsToTheCluster("settings");
        JsonNode config = cluster.get("/jobs/" + job + "/checkpoints/config");
        assertThat(config.path("interval").asLong()).as("checkpoint interval, ms: %s", config).isEqualTo(3_000);
        assertThat(config.path("tolerable_failed_checkpoints").asInt()).as("tolerable failures: %s", config)
                .isEqualTo(5);
        FlinkCluster.await(Duration.ofSeconds(30), () -> cluster.completedCheckpoints(job) > 0,
                () -> "a checkpoint of " + job);
        assertThat(cluster.checkpoints(job).path("latest").path("completed").path("external_path").asText())
                .as("where the checkpoint went").startsWith(dir.resolve("cluster-checkpoints").toUri().toString()
                        .replace("file:///", "file:/"));
        runs.cancelUnfinished();
    }

    /**
     * Rescaling: the job stopped with a savepoint at parallelism 2 and restored from it at 1, then
     * stopped again and restored at 4, while traffic keeps coming: keyed state (conversations,
     * customers, window accumulators, seen ids, timers) and the source's offsets are redistributed
     * without loss.
     */
    @Test
    void stoppedAtParallelismTwoAndRestoredAtOneThenFour() throws Exception {
        runs.rescale("rescale", 2, 1, 4);
    }
}
