package io.carekpi.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.testing.Repository;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The engine-health dashboard and its alert rules as Grafana provisions them: a valid dashboard
 * on the provisioned Prometheus datasource, rules whose expressions and panels resolve. What their
 * queries return on a real Prometheus is ComposeStackITCase's part.
 */
class EngineHealthStructureTest {
    @Test
    void theDashboardIsProvisionableAndReadsThePrometheusDatasource() {
        JsonNode d = EngineHealthQueries.dashboard();
        String uid = EngineHealthQueries.prometheusDatasource().path("uid").asText();
        assertThat(d.path("uid").asText()).isEqualTo("carekpi-engine-health");
        assertThat(d.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(d.has("id")).as("a provisioned dashboard has no database id").isFalse();
        List<Integer> ids = new ArrayList<>();
        d.path("panels").forEach(p -> {
            ids.add(p.path("id").asInt(-1));
            assertThat(p.path("datasource").path("uid").asText()).as(p.path("title").asText()).isEqualTo(uid);
            assertThat(p.path("targets")).as(p.path("title").asText()).isNotEmpty();
            p.path("targets").forEach(t -> {
                assertThat(t.path("datasource").path("uid").asText()).isEqualTo(uid);
                assertThat(t.path("expr").asText()).as(p.path("title").asText()).isNotBlank();
            });
        });
        assertThat(ids).doesNotContain(-1).doesNotHaveDuplicates();
        // the InfluxDB dashboards' titles are unique among themselves; this one's too
        assertThat(GrafanaProvisioning.dashboards()).extracting(GrafanaProvisioning.Dashboard::title)
                .doesNotContain(d.path("title").asText());
    }

    @Test
    void everyRuleResolvesItsExpressionsAndPanelAndNeverExpandsADollar() {
        JsonNode dashboard = EngineHealthQueries.dashboard();
        Set<Integer> panels = new HashSet<>();
        dashboard.path("panels").forEach(p -> panels.add(p.path("id").asInt()));
        String uid = EngineHealthQueries.prometheusDatasource().path("uid").asText();
        List<JsonNode> rules = EngineHealthQueries.rules();
        assertThat(rules).extracting(r -> r.path("uid").asText()).doesNotHaveDuplicates()
                .contains("carekpi-engine-job-down", "carekpi-engine-checkpoint-failures", "carekpi-engine-consumer-lag",
                        "carekpi-engine-dead-letters", "carekpi-engine-late-events", "carekpi-engine-influx-failing");
        for (JsonNode rule : rules) {
            String title = rule.path("title").asText();
            Set<String> refIds = new HashSet<>();
            rule.path("data").forEach(x -> refIds.add(x.path("refId").asText()));
            assertThat(refIds).as(title).contains(rule.path("condition").asText());
            for (JsonNode data : rule.path("data")) {
                JsonNode model = data.path("model");
                if (data.path("datasourceUid").asText().equals(GrafanaProvisioning.EXPRESSION_UID)) {
                    assertThat(refIds).as(title + " " + data.path("refId")).contains(model.path("expression").asText());
                } else {
                    assertThat(data.path("datasourceUid").asText()).as(title).isEqualTo(uid);
                    assertThat(model.path("datasource").path("uid").asText()).as(title).isEqualTo(uid);
                    assertThat(model.path("expr").asText()).as(title).isNotBlank();
                }
            }
            assertThat(rule.path("dashboardUid").asText()).isEqualTo(dashboard.path("uid").asText());
            assertThat(panels).as(title + " panel").contains(rule.path("panelId").asInt());
            rule.path("annotations").forEach(a -> assertThat(a.asText()).as(title).doesNotContain("$"));
        }
    }

    /** Compose gives Grafana the Prometheus URL the datasource reads, and runs that Prometheus. */
    @Test
    void composeProvisionsPrometheusForGrafana() throws Exception {
        String datasource = EngineHealthQueries.prometheusDatasource().path("url").asText();
        assertThat(datasource).isEqualTo("${PROMETHEUS_URL}");
        JsonNode compose = GrafanaProvisioning.YAML.readTree(Files.readString(Repository.path("docker-compose.yml")));
        assertThat(compose.path("services").path("grafana").path("environment").path("PROMETHEUS_URL").asText())
                .isEqualTo("http://prometheus:9090");
        assertThat(compose.path("services").path("prometheus").path("image").asText()).startsWith("prom/prometheus:");
    }
}
