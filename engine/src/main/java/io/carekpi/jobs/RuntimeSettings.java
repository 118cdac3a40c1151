package io.carekpi.jobs;

import io.carekpi.flink.CareKpiTopology;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Option;

/**
 * Execution settings shared by the commands that run the live job (run, demo): checkpoints, state
 * backend, parallelism and the optional InfluxDB output. Documented in docs/operations.md.
 */
public final class RuntimeSettings {
    @Option(names = "--checkpoint-interval", defaultValue = "10s",
            description = "Checkpoint interval; also how often exactly-once Kafka output becomes visible "
                    + "(--delivery EXACTLY_ONCE), and how much at-least-once output a crash writes again. "
                    + "Default ${DEFAULT-VALUE}.", converter = DurationConverter.class)
    public Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", defaultValue = "${env:CAREKPI_CHECKPOINT_DIR:-file:///tmp/carekpi/checkpoints}",
            description = "Where checkpoints go (a shared file system or object store on a cluster). "
                    + "Default ${DEFAULT-VALUE}.")
    public String checkpointDir;

    @Option(names = "--tolerable-failed-checkpoints", defaultValue = "3",
            description = "Checkpoints in a row that may fail (checkpoint storage unwritable or full, a timeout) before "
                    + "the job fails over to its last checkpoint; meanwhile it keeps running, commits no input "
                    + "offsets and, with exactly-once, makes no output visible. Default ${DEFAULT-VALUE}; Flink's "
                    + "own default, 0, restarts the job at the first failed checkpoint.")
    public int tolerableFailedCheckpoints;

    @Option(names = "--state-backend", defaultValue = "hashmap",
            description = "hashmap (state on the heap, fastest) or rocksdb (state on local disk, for state larger "
                    + "than memory; incremental checkpoints). Default ${DEFAULT-VALUE}.")
    public String stateBackend;

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

    /** A Flink environment with these settings (local when run from the jar, the cluster's when submitted). */
    public StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration());
        return configured(env);
    }

    /** A local environment serving Flink's web UI on {@code webPort} (the demo). */
    public StreamExecutionEnvironment localEnvironmentWithWebUi(int webPort) {
        return localEnvironmentWithWebUi(webPort, new Configuration());
    }

    /** The same with {@code extra} settings on top (the benchmark's diagnostics). */
    public StreamExecutionEnvironment localEnvironmentWithWebUi(int webPort, Configuration extra) {
        Configuration conf = configuration();
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

    private Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, tolerableFailedCheckpoints);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if ("rocksdb".equals(stateBackend)) {
            conf.setString("state.backend.incremental", "true");
        }
        return conf;
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
}
