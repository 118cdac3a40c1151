package io.carekpi.reliability;

import io.carekpi.testing.FlinkCluster;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rescaling on a real standalone cluster (one TaskManager with four slots): the job stopped with a
 * savepoint at parallelism 2 and restored from it at 1, then stopped again and restored at 4, while
 * traffic keeps coming. Every restore is from the savepoint just taken, every vertex runs at the
 * new parallelism, and the outputs equal the replay: keyed state (conversations, customers, window
 * accumulators, seen ids, timers) and the Kafka source's offsets are redistributed without loss.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RescaleITCase {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
    private static LocalKafkaBroker broker;
    private static FlinkCluster cluster;
    private static ClusterRun runs;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        cluster = FlinkCluster.start(dir.resolve("flink"), Map.of("taskmanager.numberOfTaskSlots", "4"), 1);
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

    @Test
    void stoppedAtParallelismTwoAndRestoredAtOneThenFourTheOutputsEqualTheReplay() throws Exception {
        runs.rescale("rescale", 2, 1, 4);
    }
}
