package io.carekpi.cli;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import java.util.function.UnaryOperator;
import io.carekpi.jobs.LiveJob;
import io.carekpi.jobs.RuntimeSettings;
import java.nio.file.Path;
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
    @Mixin KafkaOptions kafkaOptions;

    @Option(names = "--config", description = "YAML job configuration, e.g. jobs/kpi-engine/config.yaml.")
    Path config;

    @Option(names = "--delivery", defaultValue = KafkaSettings.SHIPPED_DELIVERY,
            description = "Kafka sink guarantee: AT_LEAST_ONCE (records visible at once; after a crash the records "
                    + "since the last checkpoint are written again with higher revisions, so consumers keeping the "
                    + "highest revision per key and SLA events by id see exactly-once results) or EXACTLY_ONCE "
                    + "(transactions, visible to read_committed consumers at each checkpoint, never twice). "
                    + "Default ${DEFAULT-VALUE}; docs/operations.md says what each topic guarantees to which consumer.")
    DeliveryGuarantee delivery;

    @Option(names = "--topic-prefix", defaultValue = "", paramLabel = "PREFIX",
            description = "Put PREFIX before every topic name, the consumer group and the transactional id prefix "
                    + "(e.g. staging. reads staging.care.events): several deployments on one Kafka cluster.")
    String topicPrefix;

    @Option(names = "--bounded", description = "Stop at the offsets that are latest at start (catch-up runs).")
    boolean bounded;

    @Mixin RuntimeSettings runtime;

    @Override
    public Integer call() throws Exception {
        EngineConfig cfg = config == null ? EngineConfig.defaults() : EngineConfig.load(config);
        cfg.notices.forEach(n -> System.err.println("config " + config + ": " + n));
        KafkaSettings kafka = kafkaSettings(System::getenv);
        StreamExecutionEnvironment env = runtime.environment();
        var outputs = LiveJob.build(env, cfg, kafka, bounded);
        runtime.attachInflux(outputs);
        env.execute("carekpi");
        return 0;
    }

    /** The Kafka settings of the job: every {@code --kafka-property} reaches every client. */
    KafkaSettings kafkaSettings(UnaryOperator<String> environment) {
        KafkaSettings kafka = KafkaSettings.defaults(kafkaOptions.bootstrapServers).withGuarantee(delivery)
                .withPrefix(topicPrefix);
        kafka.clientProperties().putAll(kafkaOptions.clientProperties(environment));
        return kafka;
    }
}
