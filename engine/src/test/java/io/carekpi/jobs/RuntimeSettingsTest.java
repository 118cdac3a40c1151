package io.carekpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.junit.jupiter.api.Test;
import org.rocksdb.CompressionType;
import picocli.CommandLine;

/**
 * Which setting wins: the command line, else the cluster's configuration (a FlinkDeployment's
 * {@code flinkConfiguration}, a session cluster's config.yaml), else the shipped value. Until
 * 2026-12-01 the job's own defaults silently overrode the cluster's (issue #17).
 */
class RuntimeSettingsTest {
    private static RuntimeSettings parse(String... args) {
        RuntimeSettings r = new RuntimeSettings();
        new CommandLine(r).parseArgs(args);
        return r;
    }

    @Test
    void theClustersSettingsTakeEffectWhenTheCommandLineLeavesThemOut() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/checkpoints");
        cluster.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 7);
        cluster.set(StateBackendOptions.STATE_BACKEND, "rocksdb");

        Configuration job = parse().configuration(cluster);

        assertThat(job.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL)).as("left to the cluster").isEmpty();
        assertThat(job.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEmpty();
        assertThat(job.getOptional(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEmpty();
        assertThat(job.getOptional(StateBackendOptions.STATE_BACKEND)).isEmpty();
        assertThat(job.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).as("RocksDB checkpoints incrementally").isTrue();
    }

    /** RocksDB as shipped: LZ4 and bloom filters, unless the cluster chose; nothing of it on the heap backend. */
    @Test
    void rocksDbIsTunedAsShippedUnlessTheClusterSaysOtherwise() {
        Configuration job = parse("--state-backend", "rocksdb").configuration(new Configuration());
        assertThat(job.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL))
                .containsExactly(CompressionType.LZ4_COMPRESSION);
        assertThat(job.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();

        Configuration cluster = new Configuration();
        cluster.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, List.of(CompressionType.ZSTD_COMPRESSION));
        cluster.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, false);
        Configuration chosen = parse("--state-backend", "rocksdb").configuration(cluster);
        assertThat(chosen.getOptional(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).isEmpty();
        assertThat(chosen.getOptional(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isEmpty();

        Configuration heap = parse().configuration(new Configuration());
        assertThat(heap.getOptional(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isEmpty();
    }

    /**
     * RocksDB's memory in a job run in this process: Flink's local 128m left it flushing its write
     * buffers all the time; the configuration's TaskManager memory, where set, decides instead.
     */
    @Test
    void rocksDbGetsItsMemoryInALocalJobUnlessTheConfigurationSizesTheTaskManager() {
        Configuration local = parse("--state-backend", "rocksdb").configuration(new Configuration());
        assertThat(local.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.parse("1g"));

        Configuration given = parse("--state-backend", "rocksdb", "--rocksdb-memory", "512m")
                .configuration(new Configuration());
        assertThat(given.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.parse("512m"));

        Configuration cluster = new Configuration();
        cluster.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("4096m"));
        assertThat(parse("--state-backend", "rocksdb").configuration(cluster)
                .getOptional(TaskManagerOptions.MANAGED_MEMORY_SIZE)).as("the cluster's TaskManagers decide").isEmpty();

        assertThat(parse().configuration(new Configuration()).getOptional(TaskManagerOptions.MANAGED_MEMORY_SIZE))
                .as("nothing on the heap backend").isEmpty();
        assertThatThrownBy(() -> parse("--rocksdb-memory", "2g").configuration(new Configuration()))
                .as("not silently ignored on the heap backend")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("state backend is hashmap");
    }

    @Test
    void theCommandLineWinsOverTheCluster() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        cluster.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 7);

        Configuration job = parse("--checkpoint-interval", "2s", "--tolerable-failed-checkpoints", "1",
                "--checkpoint-dir", "file:///data/cp").configuration(cluster);

        assertThat(job.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(job.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(1);
        assertThat(job.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///data/cp");
    }

    @Test
    void withNeitherTheShippedValuesApply() {
        Configuration job = parse().configuration(new Configuration());

        assertThat(job.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(job.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(3);
        assertThat(job.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(job.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(System.getenv().getOrDefault("CAREKPI_CHECKPOINT_DIR", "file:///tmp/carekpi/checkpoints"));
    }
}
