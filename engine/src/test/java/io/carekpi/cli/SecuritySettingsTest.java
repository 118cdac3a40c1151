package io.carekpi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.jobs.InfluxOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * SPEC section 6, security: Kafka SASL_SSL/SCRAM and TLS settings pass through from the command
 * line to every client, secrets come from the environment, InfluxDB credentials only from the
 * environment or a secret file, and no password shows in a connection's text.
 */
class SecuritySettingsTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"carekpi\" password=\"s3cret-from-env\";";

    private static RunCommand run(String... args) {
        RunCommand cmd = new RunCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void saslSslScramAndTlsPropertiesReachTheKafkaClientsWithSecretsFromTheEnvironment() {
        RunCommand cmd = run("--bootstrap-servers", "broker-1:9093",
                "--kafka-property", "security.protocol=SASL_SSL",
                "--kafka-property", "sasl.mechanism=SCRAM-SHA-512",
                "--kafka-property", "sasl.jaas.config=${env:KAFKA_JAAS}",
                "--kafka-property", "ssl.truststore.location=/etc/kafka/truststore.p12",
                "--kafka-property", "ssl.truststore.password=${env:KAFKA_TRUSTSTORE_PASSWORD}");
        Map<String, String> env = Map.of("KAFKA_JAAS", JAAS, "KAFKA_TRUSTSTORE_PASSWORD", "changeit-from-env");

        KafkaSettings kafka = cmd.kafkaSettings(env::get);

        // client() is what the source, every sink and the admin clients are built from
        Properties client = kafka.client();
        assertThat(kafka.bootstrapServers()).isEqualTo("broker-1:9093");
        assertThat(client).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("ssl.truststore.password", "changeit-from-env");
    }

    @Test
    void aTopicPrefixNamesEveryTopicTheGroupAndTheTransactionalIdsOfOneDeployment() {
        KafkaSettings plain = run().kafkaSettings(name -> null);
        KafkaSettings staging = run("--topic-prefix", "staging.").kafkaSettings(name -> null);

        assertThat(plain.eventsTopic()).isEqualTo("care.events");
        assertThat(List.of(staging.eventsTopic(), staging.kpiTopic(), staging.slaTopic(), staging.conversationsTopic(),
                staging.dlqTopic(), staging.queueTopic(), staging.groupId(), staging.transactionalIdPrefix()))
                .containsExactly("staging.care.events", "staging.care.kpi", "staging.care.sla",
                        "staging.care.conversations", "staging.care.dlq", "staging.care.queue", "staging.carekpi",
                        "staging.carekpi");
    }

    @Test
    void aSecretReferenceToAMissingVariableFailsWithItsName() {
        RunCommand cmd = run("--kafka-property", "sasl.jaas.config=${env:KAFKA_JAAS}");
        UnaryOperator<String> empty = name -> null;
        assertThatThrownBy(() -> cmd.kafkaSettings(empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KAFKA_JAAS");
    }

    @Test
    void influxCredentialsComeFromTheEnvironmentOrASecretFileAndNeverShow(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("influx-password");
        Files.writeString(secret, "file-secret\n");

        var fromFile = InfluxOutputs.Settings.fromEnvironment("http://influx:8086", "carekpi",
                Map.of("INFLUX_USER", "carekpi", "INFLUX_PASSWORD_FILE", secret.toString())::get).connection();
        assertThat(fromFile.username()).isEqualTo("carekpi");
        assertThat(fromFile.password()).isEqualTo("file-secret");
        assertThat(fromFile.toString()).doesNotContain("file-secret");

        var fromEnv = InfluxOutputs.Settings.fromEnvironment("http://influx:8086", "carekpi",
                Map.of("INFLUX_USER", "carekpi", "INFLUX_PASSWORD", "env-secret")::get).connection();
        assertThat(fromEnv.password()).isEqualTo("env-secret");
        assertThat(fromEnv.toString()).doesNotContain("env-secret");

        var none = InfluxOutputs.Settings.fromEnvironment("http://influx:8086", "carekpi", name -> null).connection();
        assertThat(none.username()).as("no default user").isNull();
        assertThat(none.password()).as("no default password").isNull();
    }
}
