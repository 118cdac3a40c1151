package io.carekpi.reliability;

import io.carekpi.testing.FlinkCluster;
import io.carekpi.testing.LocalZooKeeper;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.file.Path;
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
 * JobManager failover with ZooKeeper high availability on a real standalone cluster: the
 * JobManager process is killed with {@code kill -9} mid-stream and started again (as a container
 * platform restarts it); it finds the job and its latest checkpoint in ZooKeeper and the HA storage
 * directory, the TaskManager reconnects, and the job resumes from the checkpoint — without HA it
 * would be gone, and a new submission would start from empty state. Every output equals the replay
 * ({@link ClusterRun}). docs/operations.md gives the same setup for Kubernetes.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class JobManagerFailoverITCase {
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
                "high-availability.type", "zookeeper",
                "high-availability.zookeeper.quorum", zooKeeper.connectString(),
                "high-availability.storageDir", dir.resolve("ha").toUri().toString(),
                "high-availability.cluster-id", "carekpi-test"), 1);
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

    @Test
    void aJobManagerKilledMidStreamAndStartedAgainResumesTheJobFromItsCheckpoint() throws Exception {
        runs.run("jobmanager", DeliveryGuarantee.EXACTLY_ONCE, new ClusterRun.Fault() {
            @Override
            public void inject(String job) throws Exception {
                cluster.killJobManager();
            }

            @Override
            public void recover() throws Exception {
                cluster.startJobManager();
            }
        });
    }
}
