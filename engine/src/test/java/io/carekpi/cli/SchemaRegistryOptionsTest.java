package io.carekpi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.connectors.kafka.SchemaRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code run}'s schema registry options: single-object encoding unless asked, secrets from the environment. */
class SchemaRegistryOptionsTest {
    private static RunCommand run(String... args) {
        RunCommand cmd = new RunCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void withoutARegistryNothingChanges() {
        assertThat(run().kafkaSettings(name -> null).schemaRegistry()).isNull();
    }

    @Test
    void aRegistryReadsConfluentInputAndWritesConfluentOutputsOnlyWhenAsked() {
        KafkaSettings readOnly = run("--schema-registry-url", "http://registry:8080/apis/registry/v2")
                .kafkaSettings(name -> null);
        assertThat(readOnly.schemaRegistry().url()).isEqualTo("http://registry:8080/apis/registry/v2");
        assertThat(readOnly.schemaRegistry().confluentOutputs()).isFalse();

        SchemaRegistry both = run("--schema-registry-url", "http://registry:8080/apis/registry/v2",
                "--output-format", "CONFLUENT", "--topic-prefix", "staging.",
                "--schema-registry-property", "apicurio.auth.password=${env:REGISTRY_PASSWORD}")
                .kafkaSettings(Map.of("REGISTRY_PASSWORD", "from-env")::get).schemaRegistry();
        assertThat(both.confluentOutputs()).isTrue();
        assertThat(both.serdeConfig())
                .containsEntry("apicurio.registry.id-handler", "io.apicurio.registry.serde.Legacy4ByteIdHandler")
                .containsEntry("apicurio.registry.use-id", "contentId")
                .containsEntry("apicurio.registry.headers.enabled", "false")
                .containsEntry("apicurio.auth.password", "from-env");
    }

    @Test
    void confluentOutputsWithoutARegistryAreRefused() {
        RunCommand cmd = run("--output-format", "CONFLUENT");
        assertThatThrownBy(() -> cmd.kafkaSettings(name -> null))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--schema-registry-url");
    }
}
