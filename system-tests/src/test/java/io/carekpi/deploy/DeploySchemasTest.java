package io.carekpi.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.carekpi.testing.Repository;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the FlinkDeployment against the schemas the tools that read them use
 * (issue #17): the Compose Specification's JSON schema, and the Flink Kubernetes Operator's
 * FlinkDeployment CRD. Both are vendored, unmodified, under {@code src/test/resources/vendor}
 * (source and version in its README).
 */
class DeploySchemasTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What a user puts in {@code .env} (docker-compose.yml's header): every password set. */
    static final Map<String, String> USER_ENV = Map.of("INFLUX_ADMIN_PASSWORD", "a1", "INFLUX_PASSWORD",
            "w2", "INFLUX_READ_PASSWORD", "r3", "GF_ADMIN_PASSWORD", "g4");

    // ---------------------------------------------------------------- compose

    private static JsonSchema composeSchema() throws Exception {
        // its $id is relative: it resolves against where the schema was read from
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of("classpath:vendor/compose-spec.json"));
    }

    private static JsonNode composeAsLoaded(String text, Map<String, String> env) {
        return ComposeInterpolation.load(text, env);
    }

    @Test
    void dockerComposeIsValidAgainstTheComposeSpecification() throws Exception {
        String text = Files.readString(Repository.path("docker-compose.yml"));
        Set<ValidationMessage> errors = composeSchema().validate(composeAsLoaded(text, USER_ENV));
        assertThat(errors).isEmpty();
    }

    /** The check can fail: a misspelt key and a wrong type are reported. */
    @Test
    void theComposeSchemaRejectsWhatComposeRejects() throws Exception {
        String text = Files.readString(Repository.path("docker-compose.yml"))
                .replaceFirst("restart: unless-stopped", "restrat: unless-stopped")
                .replaceFirst("depends_on: \\[jobmanager]", "depends_on: jobmanager");
        Set<ValidationMessage> errors = composeSchema().validate(composeAsLoaded(text, USER_ENV));
        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("restrat"))
                .anyMatch(m -> m.contains("taskmanager.depends_on"));
    }

    /** Compose refuses to start while a password is unset, naming it: there is no fallback. */
    @Test
    void composeRefusesToStartWithoutThePasswords() throws Exception {
        String text = Files.readString(Repository.path("docker-compose.yml"));
        for (String password : USER_ENV.keySet()) {
            Map<String, String> env = new HashMap<>(USER_ENV);
            env.remove(password);
            assertThatThrownBy(() -> composeAsLoaded(text, env)).as("without %s", password)
                    .hasMessageContaining(password).hasMessageContaining("set " + password);
        }
    }

    // ---------------------------------------------------------------- Kubernetes

    /**
     * A CRD's schema for {@code version}, made as strict as the API server's field validation
     * ({@code kubectl apply}'s default, "Strict"): an object whose schema lists its properties
     * rejects any other field unless it says {@code x-kubernetes-preserve-unknown-fields} or has
     * {@code additionalProperties}. OpenAPI 3.0's schema object is JSON Schema draft 4's keywords.
     */
    private static JsonSchema crdSchema(String resource, String version) throws Exception {
        JsonNode crd;
        try (InputStream in = DeploySchemasTest.class.getResourceAsStream("/vendor/" + resource)) {
            crd = YAML.readTree(in);
        }
        JsonNode schema = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals(version)) {
                schema = v.path("schema").path("openAPIV3Schema").deepCopy();
            }
        }
        assertThat(schema).as("%s serves %s", resource, version).isNotNull();
        // what every Kubernetes object has, implicit in a CRD's schema
        ObjectNode root = (ObjectNode) schema.path("properties");
        root.putObject("apiVersion").put("type", "string");
        root.putObject("kind").put("type", "string");
        root.putObject("metadata").put("type", "object");
        strictFields(schema);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }

    private static JsonSchema flinkDeploymentSchema() throws Exception {
        return crdSchema("flinkdeployments.flink.apache.org-v1.yml", "v1beta1");
    }

    private static void strictFields(JsonNode schema) {
        if (schema instanceof ObjectNode object && object.has("properties")
                && !object.has("additionalProperties")
                && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            object.put("additionalProperties", false);
        }
        schema.forEach(DeploySchemasTest::strictFields);
    }

    private static List<JsonNode> manifests(String text) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(text)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    private static Set<ValidationMessage> validateFlinkDeployment(String text) throws Exception {
        JsonSchema schema = flinkDeploymentSchema();
        JsonNode deployment = manifests(text).stream()
                .filter(d -> d.path("kind").asText().equals("FlinkDeployment")).findFirst().orElseThrow();
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        return schema.validate(deployment);
    }

    @Test
    void theFlinkDeploymentIsValidAgainstTheOperatorsCrd() throws Exception {
        String text = Files.readString(Repository.path("jobs/kpi-engine/k8s/flinkdeployment.yaml"));
        assertThat(validateFlinkDeployment(text)).isEmpty();
    }

    @Test
    void thePodMonitorIsValidAgainstThePrometheusOperatorsCrd() throws Exception {
        JsonSchema schema = crdSchema("monitoring.coreos.com_podmonitors.yaml", "v1");
        List<JsonNode> docs = manifests(Files.readString(Repository.path("jobs/kpi-engine/k8s/podmonitor.yaml")));
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0).path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(schema.validate(docs.get(0))).isEmpty();
        ((ObjectNode) docs.get(0).path("spec")).put("podMetricEndpoints", "misspelt");
        assertThat(schema.validate(docs.get(0))).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("podMetricEndpoints"));
    }

    /** The check can fail: a misspelt field, a value outside an enum. */
    @Test
    void theCrdRejectsWhatTheApiServerRejects() throws Exception {
        String text = Files.readString(Repository.path("jobs/kpi-engine/k8s/flinkdeployment.yaml"))
                .replace("serviceAccount: flink", "serviceAcount: flink")
                .replace("upgradeMode: savepoint", "upgradeMode: sometimes");
        assertThat(validateFlinkDeployment(text)).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("serviceAcount"))
                .anyMatch(m -> m.contains("upgradeMode"));
    }
}
