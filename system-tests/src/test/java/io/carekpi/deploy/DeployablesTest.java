package io.carekpi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.testing.Repository;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a platform team meets first (issue #17), read as a new user would: the Dockerfile,
 * docker-compose.yml and the Kubernetes manifests. Docker cannot run here; these are the points
 * on which they failed to start or were unsafe, checked in the files themselves.
 */
class DeployablesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The flink image's user: what its processes can write. */
    private static final String FLINK_UID = "9999";

    private static JsonNode compose() throws Exception {
        return YAML.readTree(Repository.path("docker-compose.yml").toFile());
    }

    private static List<JsonNode> k8s() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(Repository.path("jobs/kpi-engine/k8s/flinkdeployment.yaml")
                .toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    /**
     * The flink image runs as uid 9999 and has no {@code /flink-data}: a named volume mounted there
     * would be created owned by root, and Flink could not create its checkpoint directory.
     */
    @Test
    void theImageHasAFlinkDataDirectoryItsUserOwns() throws Exception {
        String dockerfile = Files.readString(Repository.path("Dockerfile"));
        assertThat(dockerfile).containsPattern("mkdir -p[^\\n]*/flink-data");
        assertThat(dockerfile).containsPattern("chown[^\\n]*flink:flink[^\\n]*/flink-data");
        assertThat(Repository.path(".dockerignore")).exists();
        assertThat(Files.readAllLines(Repository.path(".dockerignore"))).as("the build context leaves builds out")
                .contains("**/target");
    }

    @Test
    void everyLongRunningServiceRestartsAndKeepsItsDataInAVolume() throws Exception {
        JsonNode services = compose().path("services");
        for (String name : List.of("kafka", "influxdb", "jobmanager", "taskmanager", "grafana", "prometheus")) {
            assertThat(services.path(name).path("restart").asText()).as("restart policy of %s", name)
                    .isEqualTo("unless-stopped");
        }
        Map<String, String> dataDirs = Map.of("kafka", "/var/lib/kafka/data", "influxdb", "/var/lib/influxdb",
                "grafana", "/var/lib/grafana", "jobmanager", "/flink-data", "taskmanager", "/flink-data",
                "prometheus", "/prometheus");
        dataDirs.forEach((name, path) -> {
            List<String> volumes = new ArrayList<>();
            services.path(name).path("volumes").forEach(v -> volumes.add(v.asText()));
            assertThat(volumes).as("volumes of %s", name).anyMatch(v -> v.matches("[a-z-]+:" + path + "(:.*)?"));
        });
        assertThat(services.path("influxdb").path("image").asText()).as("InfluxDB 1.x, maintained")
                .isEqualTo("influxdb:1.11");
    }

    /** Topics are created by an explicit step, with the partitions the job expects, not by the broker on first use. */
    @Test
    void topicsAreCreatedByAnInitServiceAndNeverAutomatically() throws Exception {
        JsonNode services = compose().path("services");
        assertThat(services.path("kafka").path("environment").path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText())
                .isEqualTo("false");
        String init = services.path("kafka-init").toString();
        for (String topic : List.of(KafkaSettings.EVENTS, KafkaSettings.KPI, KafkaSettings.SLA,
                KafkaSettings.CONVERSATIONS, KafkaSettings.DLQ, KafkaSettings.QUEUE)) {
            assertThat(init).as("kafka-init creates %s", topic).contains("--topic " + topic + " ");
        }
        for (String user : List.of("jobmanager", "simulator")) {
            assertThat(services.path(user).path("depends_on").path("kafka-init").path("condition").asText())
                    .as("%s waits for the topics", user).isEqualTo("service_completed_successfully");
        }
    }

    /**
     * Strimzi users get the same topics as compose's kafka-init, with the same partitions and the
     * events topic's append-time stamps.
     */
    @Test
    void strimziTopicsMatchTheComposeInitService() throws Exception {
        String init = compose().path("services").path("kafka-init").path("command").toString();
        List<JsonNode> topics = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(Repository.path("jobs/kpi-engine/k8s/kafkatopics.yaml")
                .toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(topics::add);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode t : topics) {
            assertThat(t.path("kind").asText()).isEqualTo("KafkaTopic");
            String name = t.path("spec").path("topicName").asText();
            names.add(name);
            assertThat(init).as("kafka-init's partitions of %s", name)
                    .contains("--topic " + name + " --partitions " + t.path("spec").path("partitions").asInt());
        }
        assertThat(names).containsExactlyInAnyOrder(KafkaSettings.EVENTS, KafkaSettings.KPI, KafkaSettings.SLA,
                KafkaSettings.CONVERSATIONS, KafkaSettings.DLQ, KafkaSettings.QUEUE);
        assertThat(topics.get(0).path("spec").path("config").path("message.timestamp.type").asText())
                .isEqualTo("LogAppendTime");
        assertThat(init).contains("--topic care.events --partitions 4 --config message.timestamp.type=LogAppendTime");
    }

    /** Nothing listens beyond this machine unless asked: the Flink UI and Kafka PLAINTEXT have no authentication. */
    @Test
    void publishedPortsAreBoundTo127001() throws Exception {
        compose().path("services").fields().forEachRemaining(s -> s.getValue().path("ports").forEach(p ->
                assertThat(p.asText()).as("a port of %s", s.getKey()).startsWith("${CAREKPI_BIND:-127.0.0.1}:")));
    }

    /** No password has a fallback: compose refuses to start until each is set. */
    @Test
    void passwordsHaveNoFallbackAndGrafanaReadsWithAReadOnlyAccount() throws Exception {
        String text = Files.readString(Repository.path("docker-compose.yml"));
        Matcher m = Pattern.compile("\\$\\{([A-Z_]*PASSWORD[A-Z_]*)([^}]*)}").matcher(text);
        int found = 0;
        while (m.find()) {
            found++;
            assertThat(m.group(2)).as("${%s...}", m.group(1)).startsWith(":?");
        }
        assertThat(found).isPositive();
        JsonNode services = compose().path("services");
        assertThat(services.path("influxdb").path("environment").path("INFLUXDB_READ_USER").asText()).isNotEmpty();
        assertThat(services.path("grafana").path("environment").path("INFLUX_USER").asText())
                .isEqualTo(services.path("influxdb").path("environment").path("INFLUXDB_READ_USER").asText());
    }

    @Test
    void theFlinkDeploymentHasHaAWritableVolumeAndNoDeprecatedKeys() throws Exception {
        JsonNode deployment = k8s().stream().filter(d -> d.path("kind").asText().equals("FlinkDeployment"))
                .findFirst().orElseThrow();
        JsonNode conf = deployment.path("spec").path("flinkConfiguration");
        assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(conf.has("state.backend.incremental")).as("deprecated key").isFalse();
        assertThat(conf.path("execution.checkpointing.incremental").asText()).isEqualTo("true");
        assertThat(deployment.path("spec").path("podTemplate").path("spec").path("securityContext").path("fsGroup")
                .asText()).as("volumes writable by the flink user").isEqualTo(FLINK_UID);
        assertThat(Files.readString(Repository.path("jobs/kpi-engine/k8s/flinkdeployment.yaml")))
                .as("the operator version v2_2 needs").contains("Flink Kubernetes Operator 1.13");
        assertThat(deployment.path("spec").path("image").asText()).as("an image a cluster can pull: with its registry")
                .matches("[a-z0-9.-]+\\.[a-z]+(:[0-9]+)?/[a-z0-9/._-]+:[0-9A-Za-z._-]+");
        // flinkConfiguration decides what the job's command line leaves out (RuntimeSettingsTest,
        // ClusterFaultsITCase): the arguments must not set it again, differently
        String args = deployment.path("spec").path("job").path("args").toString();
        for (String option : List.of("--checkpoint-interval", "--checkpoint-dir", "--state-backend",
                "--tolerable-failed-checkpoints")) {
            assertThat(args).as("job args").doesNotContain(option);
        }
        assertThat(conf.path("execution.checkpointing.interval").asText()).isNotEmpty();
        assertThat(conf.path("execution.checkpointing.dir").asText()).isNotEmpty();
    }

    /**
     * Metrics on both platforms: the same Prometheus reporter in compose's FLINK_PROPERTIES and
     * in the FlinkDeployment, a container port for it, and a PodMonitor that selects the
     * deployment's pods by the label the operator gives them and scrapes that port.
     */
    @Test
    void bothPlatformsExportMetricsForPrometheus() throws Exception {
        String reporter = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
        JsonNode services = compose().path("services");
        for (String name : List.of("jobmanager", "taskmanager")) {
            JsonNode props = YAML.readTree(services.path(name).path("environment").path("FLINK_PROPERTIES").asText());
            assertThat(props.path("metrics.reporter.prom.factory.class").asText()).as(name).isEqualTo(reporter);
            assertThat(props.path("metrics.reporter.prom.port").asText()).as(name).isEqualTo("9249");
        }
        JsonNode deployment = k8s().stream().filter(d -> d.path("kind").asText().equals("FlinkDeployment"))
                .findFirst().orElseThrow();
        JsonNode conf = deployment.path("spec").path("flinkConfiguration");
        assertThat(conf.path("metrics.reporter.prom.factory.class").asText()).isEqualTo(reporter);
        JsonNode port = deployment.path("spec").path("podTemplate").path("spec").path("containers").get(0)
                .path("ports").get(0);
        assertThat(port.path("containerPort").asText()).isEqualTo(conf.path("metrics.reporter.prom.port").asText());

        JsonNode monitor = YAML.readTree(Repository.path("jobs/kpi-engine/k8s/podmonitor.yaml").toFile());
        assertThat(monitor.path("spec").path("selector").path("matchLabels").path("app").asText())
                .as("the operator labels the pods app=<FlinkDeployment name>")
                .isEqualTo(deployment.path("metadata").path("name").asText());
        assertThat(monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText())
                .isEqualTo(port.path("name").asText());
    }
}
