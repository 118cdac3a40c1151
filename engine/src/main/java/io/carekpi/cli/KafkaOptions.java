package io.carekpi.cli;

import io.carekpi.jobs.RuntimeSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/** The Kafka connection options shared by the commands that talk to a broker (run, simulate). */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    public String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client property, e.g. security.protocol=SASL_SSL (repeatable). Secrets belong in "
                    + "the environment: VALUE may be ${env:NAME}.")
    Map<String, String> properties = new LinkedHashMap<>();

    /** The client properties, with {@code ${env:NAME}} values read from the environment. */
    public Properties clientProperties() {
        return clientProperties(System::getenv);
    }

    /** The client properties, with {@code ${env:NAME}} values looked up in {@code environment}. */
    public Properties clientProperties(UnaryOperator<String> environment) {
        Properties p = new Properties();
        properties.forEach((k, v) -> p.setProperty(k, RuntimeSettings.resolveEnv(v, environment)));
        return p;
    }
}
