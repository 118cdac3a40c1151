package io.carekpi.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.testing.LocalPrometheus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine-health dashboard ({@code grafana/dashboards/engine/engine-health.json}) and its alert
 * rules ({@code grafana/provisioning/alerting/engine-rules.yaml}): every PromQL query they hold,
 * run against a real Prometheus that scraped a real job (ComposeStackITCase), and the rules'
 * conditions evaluated as Grafana evaluates them (the query, reduced per series, against the
 * threshold).
 */
public final class EngineHealthQueries {
    static final Path DASHBOARD = GrafanaProvisioning.DASHBOARDS.resolve("engine/engine-health.json");
    static final Path RULES = GrafanaProvisioning.ALERTING.resolve("engine-rules.yaml");

    private EngineHealthQueries() {}

    static JsonNode dashboard() {
        try {
            return GrafanaProvisioning.JSON.readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> rules() {
        List<JsonNode> out = new ArrayList<>();
        GrafanaProvisioning.yaml(RULES).path("groups").forEach(g -> g.path("rules").forEach(out::add));
        return out;
    }

    /** The provisioned Prometheus datasource (there is exactly one). */
    static JsonNode prometheusDatasource() {
        return GrafanaProvisioning.datasource("prometheus");
    }

    /** Every PromQL query of the dashboard's panels and of the rules, by where it is. */
    static Map<String, String> queries() {
        Map<String, String> out = new LinkedHashMap<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard().path("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add);
        });
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                out.put("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(), t.path("expr").asText());
            }
        }
        for (JsonNode rule : rules()) {
            for (JsonNode data : rule.path("data")) {
                if (!data.path("datasourceUid").asText().equals(GrafanaProvisioning.EXPRESSION_UID)) {
                    out.put("rule '" + rule.path("title").asText() + "' " + data.path("refId").asText(),
                            data.path("model").path("expr").asText());
                }
            }
        }
        return out;
    }

    /**
     * Every query runs and returns at least one series: no panel says "No data" on a running job.
     * One pass of all queries must see every series; passes repeat for up to 30 s, because an
     * instant query reads the latest scrape only, and a scrape that timed out on a loaded machine
     * (the test scrapes every second) marks that target's gauges stale until the next one, which
     * Grafana would also draw as a gap (it is not a query that finds nothing). The failure names
     * the empty queries of the last pass and each target's last scrape error.
     */
    public static void assertEveryQueryReturnsSeries(LocalPrometheus prometheus) throws Exception {
        Map<String, String> queries = queries();
        assertThat(queries).as("PromQL queries of the engine-health dashboard and rules").hasSizeGreaterThan(5);
        queries.forEach((where, expr) -> assertThat(expr).as(where).isNotBlank().doesNotContain("$"));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> empty;
        while (true) {
            empty = new ArrayList<>();
            for (Map.Entry<String, String> q : queries.entrySet()) {
                if (prometheus.query(q.getValue()).isEmpty()) {
                    empty.add(q.getKey() + ": " + q.getValue());
                }
            }
            if (empty.isEmpty() || System.nanoTime() > until) {
                break;
            }
            Thread.sleep(1000);
        }
        List<String> scrapes = new ArrayList<>();
        for (JsonNode t : prometheus.targets()) {
            scrapes.add(t.path("scrapeUrl").asText() + " " + t.path("health").asText() + " "
                    + t.path("lastError").asText());
        }
        assertThat(empty).as("queries that returned no series (targets: %s)", scrapes).isEmpty();
    }

    /**
     * Each rule (by uid) fires or not, as expected: its query's series reduced as its reduce
     * expression says (last or max; instant queries have one sample per series) and compared with
     * its threshold; the rule fires when any series passes.
     */
    public static void assertAlertStates(LocalPrometheus prometheus, Map<String, Boolean> firing) throws Exception {
        Map<String, JsonNode> byUid = new LinkedHashMap<>();
        rules().forEach(r -> byUid.put(r.path("uid").asText(), r));
        for (Map.Entry<String, Boolean> expected : firing.entrySet()) {
            JsonNode rule = byUid.get(expected.getKey());
            assertThat(rule).as("rule " + expected.getKey()).isNotNull();
            String expr = null;
            String type = null;
            double threshold = Double.NaN;
            for (JsonNode data : rule.path("data")) {
                JsonNode model = data.path("model");
                if (!data.path("datasourceUid").asText().equals(GrafanaProvisioning.EXPRESSION_UID)) {
                    expr = model.path("expr").asText();
                } else if (model.path("type").asText().equals("threshold")) {
                    JsonNode evaluator = model.path("conditions").get(0).path("evaluator");
                    type = evaluator.path("type").asText();
                    threshold = evaluator.path("params").get(0).asDouble();
                }
            }
            boolean fires = false;
            List<String> values = new ArrayList<>();
            for (JsonNode series : prometheus.query(expr)) {
                double v = series.path("value").get(1).asDouble();
                values.add(series.path("metric") + "=" + v);
                fires |= switch (type) {
                    case "gt" -> v > threshold;
                    case "lt" -> v < threshold;
                    default -> throw new AssertionError("threshold type " + type + " of " + expected.getKey());
                };
            }
            assertThat(fires).as("%s fires (%s %s %s; values %s)", expected.getKey(), expr, type, threshold, values)
                    .isEqualTo(expected.getValue());
        }
    }
}
