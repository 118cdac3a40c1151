package io.carekpi.jobs;

import io.carekpi.flink.CareKpiTopology;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.rocksdb.CompressionType;
import picocli.CommandLine.Option;

/**
 * Execution settings shared by the commands that run the live job (run, demo): checkpoints, state
 * backend, parallelism and the optional InfluxDB output. Documented in docs/operations.md.
 */
public final class RuntimeSettings {
    /** The checkpoint interval when neither the command line nor the cluster's configuration sets one. */
    public static final Duration SHIPPED_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** The failed checkpoints in a row tolerated when neither the command line nor the cluster sets it. */
    public static final int SHIPPED_TOLERABLE_FAILED_CHECKPOINTS = 3;
    /** Where checkpoints go when neither the command line, the environment nor the cluster says. */
    public static final String SHIPPED_CHECKPOINT_DIR = "file:///tmp/carekpi/checkpoints";
    /**
     * RocksDB's memory (Flink's managed memory) in a job run in this process, when neither the
     * command line nor the configuration sets the TaskManager's memory: Flink's local default,
     * 128m, left RocksDB flushing its write buffers all the time (docs/operations.md).
     */
    public static final MemorySize SHIPPED_LOCAL_ROCKSDB_MEMORY = MemorySize.parse("1g");

    @Option(names = "--checkpoint-interval",
            description = "Checkpoint interval; also how often exactly-once Kafka output becomes visible "
                    + "(--delivery EXACTLY_ONCE), and how much at-least-once output a crash writes again. "
                    + "Default: the cluster's execution.checkpointing.interval, else 10s.",
            converter = DurationConverter.class)
    public Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", defaultValue = "${env:CAREKPI_CHECKPOINT_DIR}",
            description = "Where checkpoints go (a shared file system or object store on a cluster). Default: "
                    + "env CAREKPI_CHECKPOINT_DIR, else the cluster's execution.checkpointing.dir, else "
                    + SHIPPED_CHECKPOINT_DIR + ".")
    public String checkpointDir;

    @Option(names = "--tolerable-failed-checkpoints",
            description = "Checkpoints in a row that may fail (checkpoint storage unwritable or full, a timeout) before "
                    + "the job fails over to its last checkpoint; meanwhile it keeps running, commits no input "
                    + "offsets and, with exactly-once, makes no output visible. Default: the cluster's "
                    + "execution.checkpointing.tolerable-failed-checkpoints, else 3 (Flink's own default, 0, "
                    + "restarts the job at the first failed checkpoint).")
    public Integer tolerableFailedCheckpoints;

    @Option(names = "--state-backend",
            description = "hashmap (state on the heap, fastest) or rocksdb (state on local disk, for state larger "
                    + "than memory; incremental checkpoints). Default: the cluster's state.backend.type, else "
                    + "hashmap.")
    public String stateBackend;

    @Option(names = "--rocksdb-memory", paramLabel = "SIZE",
            description = "With --state-backend rocksdb in a job run by this process (not submitted to a cluster): "
                    + "the memory RocksDB's block cache and write buffers share, off the JVM heap (Flink's "
                    + "taskmanager.memory.managed.size), e.g. 512m, 2g. Default: the configuration's TaskManager "
                    + "memory settings, else 1g. On a cluster the TaskManagers' memory configuration decides.",
            converter = MemorySizeConverter.class)
    public MemorySize rocksDbMemory;

    @Option(names = "--parallelism", defaultValue = "0",
            description = "Job parallelism; 0 keeps the environment's default (cores, or the cluster's).")
    public int parallelism;

    @Option(names = "--influx-url", defaultValue = "${env:INFLUX_URL:-}",
            description = "InfluxDB v1 HTTP API URL (env INFLUX_URL), e.g. http://127.0.0.1:8086; none: no InfluxDB output.")
    public String influxUrl;

    @Option(names = "--influx-db", defaultValue = "${env:INFLUX_DB:-carekpi}",
            description = "InfluxDB database (env INFLUX_DB; default ${DEFAULT-VALUE}). Credentials only from the "
                    + "environment: INFLUX_USER and INFLUX_PASSWORD (or INFLUX_PASSWORD_FILE).")
    public String influxDb;

    @Option(names = "--influx-max-time-in-buffer", defaultValue = InfluxOutputs.SHIPPED_MAX_TIME_IN_BUFFER,
            description = "Longest a line waits in an InfluxDB sink's buffer before the sink's sender takes it (the "
                    + "sender joins what waits into requests of up to 5,000 lines); adds directly to how far "
                    + "InfluxDB lags. Default ${DEFAULT-VALUE}.",
            converter = DurationConverter.class)
    public Duration influxMaxTimeInBuffer;

    /** The settings of {@code carekpi run} given none of these options (the benchmarks start from them). */
    public static RuntimeSettings defaults() {
        RuntimeSettings r = new RuntimeSettings();
        new picocli.CommandLine(r).parseArgs();
        return r;
    }

    /**
     * A Flink environment with these settings (local when run from the jar, the cluster's when
     * submitted). What the command line does not set, the cluster's configuration does (a
     * FlinkDeployment's {@code flinkConfiguration}, a session cluster's config.yaml); what neither
     * sets gets the shipped value.
     */
    public StreamExecutionEnvironment environment() {
        ReadableConfig cluster = StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration();
        return configured(StreamExecutionEnvironment.getExecutionEnvironment(configuration(cluster)));
    }

    /** A local environment serving Flink's web UI on {@code webPort} (the demo). */
    public StreamExecutionEnvironment localEnvironmentWithWebUi(int webPort) {
        return localEnvironmentWithWebUi(webPort, new Configuration());
    }

    /** The same with {@code extra} settings on top (the benchmark's diagnostics). */
    public StreamExecutionEnvironment localEnvironmentWithWebUi(int webPort, Configuration extra) {
        Configuration conf = configuration(new Configuration());
        conf.addAll(extra);
        conf.set(org.apache.flink.configuration.RestOptions.PORT, webPort);
        return configured(StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf));
    }

    private StreamExecutionEnvironment configured(StreamExecutionEnvironment env) {
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        CareKpiTopology.configureLive(env);
        return env;
    }

    /** The job's settings: each given option, else the cluster's value (left alone), else the shipped one. */
    Configuration configuration(ReadableConfig cluster) {
        Configuration conf = new Configuration();
        set(conf, cluster, StateBackendOptions.STATE_BACKEND, stateBackend, "hashmap");
        set(conf, cluster, CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir, SHIPPED_CHECKPOINT_DIR);
        set(conf, cluster, CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval, SHIPPED_CHECKPOINT_INTERVAL);
        set(conf, cluster, CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, tolerableFailedCheckpoints,
                SHIPPED_TOLERABLE_FAILED_CHECKPOINTS);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        String backend = conf.getOptional(StateBackendOptions.STATE_BACKEND)
                .orElse(cluster.get(StateBackendOptions.STATE_BACKEND));
        if ("rocksdb".equals(backend)) {
            if (!cluster.getOptional(CheckpointingOptions.INCREMENTAL_CHECKPOINTS).isPresent()) {
                conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            }
            shippedRocksDb(conf, cluster);
            if (rocksDbMemory != null) {
                conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, rocksDbMemory);
            }
        } else if (rocksDbMemory != null) {
            throw new IllegalArgumentException("--rocksdb-memory sizes RocksDB, but this job's state backend is "
                    + backend + ": add --state-backend rocksdb, or leave --rocksdb-memory out");
        }
        return conf;
    }

    /**
     * RocksDB as shipped, where the cluster's configuration does not say otherwise
     * (docs/operations.md, "RocksDB"): LZ4 instead of RocksDB's default Snappy on every level
     * (decompressing blocks was 11 % of a profiled run, compressing them 6 %; LZ4 keeps the files
     * as small), and bloom filters (a point lookup of a key that is not in a file skips it). Both
     * together: 4.6k to 8.3k events/s on the benchmark's RocksDB run (docs/benchmarks.md). And,
     * where the configuration sets no TaskManager memory (a job run in this process), RocksDB's
     * memory {@link #SHIPPED_LOCAL_ROCKSDB_MEMORY} instead of Flink's local 128m: 1.7 times the
     * benchmark's RocksDB rate. A cluster's TaskManagers size it from their own configuration.
     */
    public static void shippedRocksDb(Configuration conf, ReadableConfig cluster) {
        set(conf, cluster, RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, null,
                List.of(CompressionType.LZ4_COMPRESSION));
        set(conf, cluster, RocksDBConfigurableOptions.USE_BLOOM_FILTER, null, true);
        boolean memoryConfigured = List.of(TaskManagerOptions.MANAGED_MEMORY_SIZE,
                        TaskManagerOptions.MANAGED_MEMORY_FRACTION, TaskManagerOptions.TOTAL_FLINK_MEMORY,
                        TaskManagerOptions.TOTAL_PROCESS_MEMORY)
                .stream().anyMatch(option -> cluster.getOptional(option).isPresent());
        if (!memoryConfigured) {
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, SHIPPED_LOCAL_ROCKSDB_MEMORY);
        }
    }

    private static <T> void set(Configuration conf, ReadableConfig cluster, ConfigOption<T> option, T given,
                                T shipped) {
        if (given != null) {
            conf.set(option, given);
        } else if (cluster.getOptional(option).isEmpty()) {
            conf.set(option, shipped);
        }
    }

    /** Adds the InfluxDB sinks when a URL is configured. */
    public void attachInflux(CareKpiTopology.Outputs outputs) {
        if (influxUrl == null || influxUrl.isBlank()) {
            return;
        }
        InfluxOutputs.attach(outputs, InfluxOutputs.Settings.fromEnvironment(influxUrl, influxDb)
                .withMaxTimeInBuffer(influxMaxTimeInBuffer));
    }

    /** {@code ${env:NAME}} in a value is replaced by the environment variable NAME. */
    public static String resolveEnv(String value) {
        return resolveEnv(value, System::getenv);
    }

    /** {@code ${env:NAME}} in a value is replaced by {@code environment.apply(NAME)}. */
    public static String resolveEnv(String value, UnaryOperator<String> environment) {
        if (value != null && value.startsWith("${env:") && value.endsWith("}")) {
            String name = value.substring(6, value.length() - 1);
            String v = environment.apply(name);
            if (v == null) {
                throw new IllegalArgumentException("environment variable " + name + " is not set");
            }
            return v;
        }
        return value;
    }

    /** picocli converter for {@code 2s}, {@code 500ms}, {@code PT2S}. */
    public static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.carekpi.config.Durations.parse(value);
        }
    }

    /** picocli converter for {@code 512m}, {@code 2g}, {@code 1gb} (Flink's memory sizes). */
    public static final class MemorySizeConverter implements picocli.CommandLine.ITypeConverter<MemorySize> {
        @Override
        public MemorySize convert(String value) {
            return MemorySize.parse(value);
        }
    }
}
