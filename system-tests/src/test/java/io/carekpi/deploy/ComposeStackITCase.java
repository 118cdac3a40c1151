package io.carekpi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.grafana.EngineHealthQueries;
import io.carekpi.testing.ChildProcesses;
import io.carekpi.testing.FlinkCluster;
import io.carekpi.testing.LocalInflux;
import io.carekpi.testing.LocalPrometheus;
import io.carekpi.testing.RealTimeTraffic;
import io.carekpi.testing.Repository;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code docker compose up} starts, without Docker (issue #17): every setting is read from
 * docker-compose.yml, prometheus/prometheus.yml and the Dockerfile, and only the services'
 * addresses are replaced by those of local processes (the compose network's names are not
 * resolvable here, and the JobManager and TaskManager share one host, so each gets a port of
 * its own). The topics come from kafka-init's commands, on a real broker; the JobManager is the
 * image's {@code standalone-job} entry point ({@code StandaloneApplicationClusterEntryPoint}, the
 * cluster jar in {@code usrlib}) with the jobmanager service's command and environment, and a
 * TaskManager with the taskmanager service's; InfluxDB is real, and so is Prometheus, which scrapes
 * Flink's Prometheus reporter as configured. Traffic with undecodable records flows for a while;
 * then:
 * <ul>
 *   <li>the job runs and writes the KPIs to InfluxDB and the dead letters to {@code care.dlq};</li>
 *   <li>every metric docs/operations.md documents is on the reporter's endpoints;</li>
 *   <li>every query of the engine-health dashboard and of its alert rules runs on Prometheus
 *       and returns series, and the dead-letter rule fires (undecodable records were sent) while
 *       the checkpoint and restart rules do not.</li>
 * </ul>
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ComposeStackITCase {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DOCUMENTED_METRIC = Pattern.compile("^\\| `(flink_[A-Za-z0-9_]+)`", Pattern.MULTILINE);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void theComposeStackRunsTheJobAndItsMetricsReachPrometheusAndTheHealthDashboard() throws Exception {
        JsonNode compose = ComposeInterpolation.load(Files.readString(Repository.path("docker-compose.yml")),
                DeploySchemasTest.USER_ENV);
        JsonNode services = compose.path("services");
        assertThat(Files.readString(Repository.path("Dockerfile")))
                .as("the image holds the job's configuration where the command reads it")
                .contains("COPY jobs/kpi-engine/config.yaml /opt/carekpi/config.yaml");

        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"));
                LocalInflux influx = LocalInflux.started()) {
            Map<String, String> hosts = Map.of(
                    "kafka:9092", broker.bootstrapServers(),
                    "http://influxdb:8086", influx.url(),
                    "/opt/carekpi/config.yaml", Repository.path("jobs/kpi-engine/config.yaml").toString(),
                    "file:///flink-data/", dir.resolve("flink-data").toUri().toString());
            createTopicsAsKafkaInitDoes(services.path("kafka-init"), broker.bootstrapServers());
            influx.createDatabase(services.path("influxdb").path("environment").path("INFLUXDB_DB").asText());

            int metricsPort = ChildProcesses.freePort();
            Map<String, String> settings = new LinkedHashMap<>();
            settings.putAll(flinkProperties(services.path("jobmanager")));
            settings.putAll(flinkProperties(services.path("taskmanager")));
            assertThat(settings).containsEntry("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            // one host here: the rpc address is this machine's, and the JobManager and the
            // TaskManager take the first free ports of a range instead of both taking 9249
            settings.put("jobmanager.rpc.address", "127.0.0.1");
            settings.put("metrics.reporter.prom.port", metricsPort + "-" + (metricsPort + 3));

            List<String> command = new ArrayList<>(Arrays.asList(
                    replaceAll(services.path("jobmanager").path("command").asText().trim(), hosts).split("\\s+")));
            assertThat(command.remove(0)).as("the image's entry point").isEqualTo("standalone-job");
            Map<String, String> environment = new LinkedHashMap<>();
            services.path("jobmanager").path("environment").fields().forEachRemaining(e -> {
                if (e.getKey().startsWith("INFLUX_")) {
                    environment.put(e.getKey(), replaceAll(e.getValue().asText(), hosts));
                }
            });
            assertThat(environment).containsKeys("INFLUX_URL", "INFLUX_USER", "INFLUX_PASSWORD");

            try (RealTimeTraffic traffic = RealTimeTraffic.start(broker.bootstrapServers(), KafkaSettings.EVENTS, 150,
                    17L, 50);
                    FlinkCluster cluster = FlinkCluster.startApplication(dir.resolve("flink"), settings, 1,
                            FlinkCluster.clusterJar(), command, environment);
                    LocalPrometheus prometheus = LocalPrometheus.start(dir.resolve("prometheus"),
                            prometheusConfig(metricsPort))) {
                String job = awaitRunningJob(cluster);
                FlinkCluster.await(Duration.ofSeconds(90), () -> cluster.completedCheckpoints(job) > 0,
                        () -> "a checkpoint completed in " + cluster.checkpoints(job));
                FlinkCluster.await(Duration.ofSeconds(60),
                        () -> influx.query("SELECT count(\"opened\") FROM \"carekpi\".\"autogen\".\"care_kpi\"").contains("\"values\""),
                        () -> "KPI rows in InfluxDB; " + cluster.logTail("jobmanager"));

                // the reporter's endpoints, as Prometheus scrapes them
                String scraped = scrape(metricsPort);
                Set<String> names = new TreeSet<>();
                Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE).matcher(scraped);
                while (m.find()) {
                    names.add(m.group(1));
                }
                Files.writeString(dir.resolve("scraped-metric-names.txt"), String.join("\n", names));
                List<String> documented = documentedMetrics();
                assertThat(documented).as("metrics documented in docs/operations.md").hasSizeGreaterThan(10);
                assertThat(names).as("documented metrics on the reporter's endpoints").containsAll(documented);

                // Prometheus has scraped both processes for a while
                FlinkCluster.await(Duration.ofSeconds(60), () -> prometheus.targets().stream()
                                .filter(t -> t.path("health").asText().equals("up")).count() >= 2,
                        () -> "JobManager and TaskManager targets up: " + prometheus.targets());
                FlinkCluster.await(Duration.ofSeconds(60),
                        () -> !prometheus.query("sum(flink_taskmanager_job_task_operator_rejectedEvents) > 0").isEmpty()
                                && !prometheus.query("count_over_time(flink_jobmanager_job_numRestarts[5m]) > 10")
                                        .isEmpty(),
                        () -> "ten scrapes of the job's metrics, dead letters among them");
                EngineHealthQueries.assertEveryQueryReturnsSeries(prometheus);
                EngineHealthQueries.assertAlertStates(prometheus, Map.of(
                        "carekpi-engine-dead-letters", true,
                        "carekpi-engine-checkpoint-failures", false,
                        "carekpi-engine-restarts", false));
            }
        }
    }

    private static void createTopicsAsKafkaInitDoes(JsonNode init, String bootstrap) throws Exception {
        String script = init.path("command").get(0).asText();
        Pattern create = Pattern.compile("--topic (\\S+) --partitions (\\d+)((?: --config \\S+)*)");
        List<NewTopic> topics = new ArrayList<>();
        for (String line : script.split("\n")) {
            Matcher m = create.matcher(line);
            if (line.trim().startsWith("$t") && m.find()) {
                Map<String, String> configs = new LinkedHashMap<>();
                for (String c : m.group(3).trim().split("\\s*--config\\s+")) {
                    if (!c.isBlank()) {
                        configs.put(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1));
                    }
                }
                topics.add(new NewTopic(m.group(1), Integer.parseInt(m.group(2)), (short) 1).configs(configs));
            }
        }
        assertThat(topics).extracting(NewTopic::name).contains(KafkaSettings.EVENTS, KafkaSettings.KPI, KafkaSettings.DLQ);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** A service's FLINK_PROPERTIES (a config.yaml fragment the image's entry point appends). */
    private static Map<String, String> flinkProperties(JsonNode service) throws Exception {
        JsonNode props = YAML.readTree(service.path("environment").path("FLINK_PROPERTIES").asText());
        Map<String, String> out = new LinkedHashMap<>();
        props.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String replaceAll(String text, Map<String, String> replacements) {
        String out = text;
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            out = out.replace(r.getKey(), r.getValue());
        }
        return out;
    }

    /**
     * prometheus/prometheus.yml with its targets on this machine: every port of the reporter's
     * range for each job (a port nothing listens on is a target that is down), and scraped every
     * second so that a short run has samples to query.
     */
    private static String prometheusConfig(int metricsPort) throws Exception {
        ObjectNode config = (ObjectNode) YAML.readTree(Repository.path("prometheus/prometheus.yml").toFile());
        ((ObjectNode) config.path("global")).put("scrape_interval", "1s").put("evaluation_interval", "1s");
        for (JsonNode job : config.path("scrape_configs")) {
            ObjectNode j = (ObjectNode) job;
            assertThat(j.has("static_configs") || j.has("dns_sd_configs")).as(j.toString()).isTrue();
            j.remove("dns_sd_configs");
            var targets = j.putArray("static_configs").addObject().putArray("targets");
            for (int port = metricsPort; port <= metricsPort + 3; port++) {
                targets.add("127.0.0.1:" + port);
            }
        }
        return YAML.writeValueAsString(config);
    }

    private static String awaitRunningJob(FlinkCluster cluster) throws Exception {
        String[] job = {null};
        FlinkCluster.await(Duration.ofSeconds(90), () -> {
            for (JsonNode j : cluster.get("/jobs/overview").path("jobs")) {
                if (j.path("state").asText().equals("RUNNING")) {
                    job[0] = j.path("jid").asText();
                    return true;
                }
            }
            return false;
        }, () -> "the application's job running; " + cluster.logTail("jobmanager"));
        return job[0];
    }

    private static String scrape(int firstPort) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        StringBuilder all = new StringBuilder();
        for (int port = firstPort; port <= firstPort + 3; port++) {
            try {
                all.append(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
            } catch (java.io.IOException e) {
                // a port of the range nobody took
            }
        }
        return all.toString();
    }

    /** The metric names of docs/operations.md's metrics tables (rows starting with a backticked {@code flink_} name). */
    static List<String> documentedMetrics() throws Exception {
        Matcher m = DOCUMENTED_METRIC.matcher(Files.readString(Repository.path("docs/operations.md")));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
