package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.testing.FlinkCluster;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
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
 * The job on a real standalone Flink cluster (JobManager and TaskManager processes from Flink's
 * distribution jars, the cluster jar submitted over REST, the shipped configuration): the
 * TaskManager is killed with {@code kill -9} at several points of the checkpoint cycle and a new one
 * started, as a container platform restarts it. The cluster restores the job from its last
 * checkpoint and every output equals the replay ({@link ClusterRun}).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClusterFailoverITCase {
    /** Kept when a test fails: the processes' logs are in flink/log. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
    private static LocalKafkaBroker broker;
    private static FlinkCluster cluster;
    private static ClusterRun runs;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        cluster = FlinkCluster.start(dir.resolve("flink"), Map.of(), 1);
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

    private interface Moment {
        void await(String job) throws Exception;
    }

    /** The shipped at-least-once sinks: killed between two checkpoints, after outputs no checkpoint covers. */
    @Test
    void aTaskManagerKilledBetweenCheckpointsWithTheShippedDelivery() throws Exception {
        runs.run("between", DeliveryGuarantee.AT_LEAST_ONCE, killTaskManager(job -> {
            long done = cluster.completedCheckpoints(job);
            FlinkCluster.await(Duration.ofSeconds(30), () -> cluster.completedCheckpoints(job) > done,
                    () -> "a checkpoint after " + done);
            Thread.sleep(500); // half way to the next one: outputs written that no checkpoint covers
        }));
    }

    /** Exactly-once sinks: killed while a checkpoint is in flight (triggered, not yet complete). */
    @Test
    void aTaskManagerKilledDuringACheckpointWithTransactionalSinks() throws Exception {
        runs.run("during", DeliveryGuarantee.EXACTLY_ONCE, killTaskManager(job -> {
            long done = cluster.completedCheckpoints(job);
            cluster.triggerCheckpoint(job);
            assertThat(cluster.completedCheckpoints(job)).as("the checkpoint had not completed at the kill")
                    .isEqualTo(done);
        }));
    }

    /**
     * Exactly-once sinks: killed the moment the JobManager reports a checkpoint complete, while the
     * sinks commit its Kafka transactions (the commit happens after that report, in each task).
     * The restored job commits that checkpoint's transactions again; where they were committed
     * before the kill, the Kafka committer logs "producer is already fenced" (docs/operations.md),
     * and the outputs show nothing lost and nothing twice.
     */
    @Test
    void aTaskManagerKilledAsACheckpointCompletesWithTransactionalSinks() throws Exception {
        runs.run("commit", DeliveryGuarantee.EXACTLY_ONCE, killTaskManager(job -> {
            long done = cluster.completedCheckpoints(job);
            while (cluster.completedCheckpoints(job) == done) {
                Thread.sleep(5);
            }
        }));
    }
}
