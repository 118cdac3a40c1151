package io.carekpi.cli;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.connectors.kafka.SchemaRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import io.carekpi.jobs.LiveJob;
import io.carekpi.jobs.RuntimeSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the live job: care.events from Kafka to care.kpi, care.sla, care.conversations, care.dlq",
                "(and InfluxDB when --influx-url or INFLUX_URL is set). On a Flink cluster submit the cluster jar",
                "with this same argument list (see jobs/kpi-engine/README.md)."})
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

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

    /** How the outputs are encoded on Kafka. */
    enum OutputFormat { SINGLE_OBJECT, CONFLUENT }

    @Option(names = "--schema-registry-url", defaultValue = "${env:SCHEMA_REGISTRY_URL}", paramLabel = "URL",
            description = "A schema registry (env SCHEMA_REGISTRY_URL), as Apicurio Registry's client speaks to it: "
                    + "http://HOST:8080/apis/registry/v2. Input in the Confluent wire format (magic byte 0 + schema "
                    + "id) is then read with its writer schema; without it such input is dead-lettered.")
    String schemaRegistryUrl;

    @Option(names = "--schema-registry-property", paramLabel = "KEY=VALUE",
            description = "A setting of the registry's serdes, e.g. apicurio.auth.username=... (repeatable); VALUE "
                    + "may be ${env:NAME}.")
    Map<String, String> schemaRegistryProperties = new LinkedHashMap<>();

    @Option(names = "--output-format", defaultValue = "SINGLE_OBJECT",
            description = "Encoding of care.kpi, care.sla, care.conversations and care.queue: SINGLE_OBJECT (Avro "
                    + "single-object encoding, default) or CONFLUENT (the Confluent wire format, schemas registered "
                    + "under <topic>-value in the --schema-registry-url registry; docs/operations.md).")
    OutputFormat outputFormat;

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

    /**
     * The Kafka settings of the job: every {@code --kafka-property} reaches every client; the
     * schema registry, if one is given.
     */
    KafkaSettings kafkaSettings(UnaryOperator<String> environment) {
        KafkaSettings kafka = KafkaSettings.defaults(kafkaOptions.bootstrapServers).withGuarantee(delivery)
                .withPrefix(topicPrefix);
        kafka.clientProperties().putAll(kafkaOptions.clientProperties(environment));
        boolean confluent = outputFormat == OutputFormat.CONFLUENT;
        if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
            if (confluent) {
                throw new ParameterException(spec.commandLine(),
                        "--output-format CONFLUENT needs a schema registry: --schema-registry-url (or SCHEMA_REGISTRY_URL)");
            }
            return kafka;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        schemaRegistryProperties.forEach((k, v) -> properties.put(k, RuntimeSettings.resolveEnv(v, environment)));
        return kafka.withSchemaRegistry(new SchemaRegistry(schemaRegistryUrl, properties, confluent));
    }
}
