package io.carekpi.cli;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.jobs.LiveJob;
import io.carekpi.jobs.RuntimeSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the live job: care.events from Kafka to care.kpi, care.sla, care.conversations, care.dlq",
                "(and InfluxDB when --influx-url or INFLUX_URL is set). On a Flink cluster submit the cluster jar",
                "with this same argument list (see jobs/kpi-engine/README.md)."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--config", description = "YAML job configuration, e.g. jobs/kpi-engine/config.yaml.")
    Path config;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client property for every consumer and producer, e.g. security.protocol=SASL_SSL "
                    + "(repeatable). Secrets belong in the environment: VALUE may be ${env:NAME}.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--delivery", defaultValue = "EXACTLY_ONCE",
            description = "Kafka sink guarantee: EXACTLY_ONCE (transactions, visible to read_committed consumers "
                    + "at each checkpoint) or AT_LEAST_ONCE. Default ${DEFAULT-VALUE}.")
    DeliveryGuarantee delivery;

    @Option(names = "--bounded", description = "Stop at the offsets that are latest at start (catch-up runs).")
    boolean bounded;

    @Mixin RuntimeSettings runtime;

    @Override
    public Integer call() throws Exception {
        EngineConfig cfg = config == null ? EngineConfig.defaults() : EngineConfig.load(config);
        KafkaSettings kafka = KafkaSettings.defaults(bootstrap).withGuarantee(delivery);
        kafkaProperties.forEach((k, v) -> kafka.clientProperties().setProperty(k, RuntimeSettings.resolveEnv(v)));
        StreamExecutionEnvironment env = runtime.environment();
        var outputs = LiveJob.build(env, cfg, kafka, bounded);
        runtime.attachInflux(outputs);
        env.execute("carekpi");
        return 0;
    }
}
