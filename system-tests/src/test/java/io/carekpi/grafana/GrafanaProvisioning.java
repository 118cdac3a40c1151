package io.carekpi.grafana;

import io.carekpi.testing.Repository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files under {@code grafana/}: provisioned datasource, dashboards and alerting, and every
 * InfluxQL query they hold (panel targets, template variables, annotations, alert rules).
 */
final class GrafanaProvisioning {
    static final Path ROOT = Repository.path("grafana");
    static final Path DASHBOARDS = ROOT.resolve("dashboards");
    static final Path DATASOURCES = ROOT.resolve("provisioning/datasources");
    static final Path ALERTING = ROOT.resolve("provisioning/alerting");
    /** The uid Grafana gives server-side expressions in alert rules. */
    static final String EXPRESSION_UID = "__expr__";

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private GrafanaProvisioning() {}

    /** Where a query comes from. */
    enum Source { PANEL, VARIABLE, ANNOTATION, ALERT_RULE }

    /** A dashboard file. */
    record Dashboard(Path file, JsonNode json) {
        String uid() {
            return json.path("uid").asText();
        }

        String title() {
            return json.path("title").asText();
        }

        /** All panels, those nested in rows included. */
        List<JsonNode> panels() {
            List<JsonNode> out = new ArrayList<>();
            collectPanels(json.path("panels"), out);
            return out;
        }

        List<JsonNode> variables() {
            List<JsonNode> out = new ArrayList<>();
            json.path("templating").path("list").forEach(out::add);
            return out;
        }

        JsonNode variable(String name) {
            for (JsonNode v : variables()) {
                if (v.path("name").asText().equals(name)) {
                    return v;
                }
            }
            return null;
        }

        JsonNode panelTitled(String title) {
            return panels().stream().filter(p -> p.path("title").asText().equals(title)).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " has no panel titled '" + title + "'"));
        }

        private static void collectPanels(JsonNode panels, List<JsonNode> out) {
            for (JsonNode p : panels) {
                out.add(p);
                collectPanels(p.path("panels"), out);
            }
        }
    }

    /**
     * One InfluxQL query.
     *
     * @param dashboard its dashboard, null for an alert rule
     * @param panel its panel, null unless {@link Source#PANEL}
     * @param where a human-readable location (file, panel or variable or rule, refId)
     */
    record Query(Source source, Dashboard dashboard, JsonNode panel, String refId, String text, String where) {
        @Override
        public String toString() {
            return where + ": " + text;
        }
    }

    static List<Dashboard> dashboards() {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            List<Path> paths = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
            List<Dashboard> out = new ArrayList<>();
            for (Path p : paths) {
                out.add(new Dashboard(p, JSON.readTree(p.toFile())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dashboard dashboard(String uid) {
        return dashboards().stream().filter(d -> d.uid().equals(uid)).findFirst()
                .orElseThrow(() -> new AssertionError("no dashboard with uid " + uid));
    }

    /** The provisioned InfluxDB datasource (there is exactly one). */
    static JsonNode influxDatasource() {
        return datasource("influxdb");
    }

    /** The provisioned datasource of a type (there must be exactly one). */
    static JsonNode datasource(String type) {
        List<JsonNode> found = new ArrayList<>();
        for (Path f : yamlFiles(DATASOURCES)) {
            yaml(f).path("datasources").forEach(ds -> {
                if (ds.path("type").asText().equals(type)) {
                    found.add(ds);
                }
            });
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one provisioned " + type + " datasource, found " + found.size());
        }
        return found.get(0);
    }

    static String datasourceUid() {
        return influxDatasource().path("uid").asText();
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    /** Every alert rule of every provisioned rule group. */
    static List<JsonNode> allAlertRules() {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : yamlFiles(ALERTING)) {
            yaml(f).path("groups").forEach(g -> g.path("rules").forEach(out::add));
        }
        return out;
    }

    /**
     * The alert rules on the InfluxDB datasource (the KPIs and SLAs); those on Prometheus (the
     * engine's health) are {@link EngineHealthQueries}'.
     */
    static List<JsonNode> alertRules() {
        String influx = datasourceUid();
        return allAlertRules().stream().filter(r -> {
            for (JsonNode data : r.path("data")) {
                if (data.path("datasourceUid").asText().equals(influx)) {
                    return true;
                }
            }
            return false;
        }).toList();
    }

    static List<JsonNode> contactPoints() {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : yamlFiles(ALERTING)) {
            yaml(f).path("contactPoints").forEach(out::add);
        }
        return out;
    }

    static List<JsonNode> policies() {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : yamlFiles(ALERTING)) {
            yaml(f).path("policies").forEach(out::add);
        }
        return out;
    }

    /** The query text of a template variable: a string, or an object with a {@code query} (newer Grafana). */
    static String variableQuery(JsonNode variable) {
        JsonNode q = variable.path("query");
        return q.isObject() ? q.path("query").asText() : q.asText();
    }

    /** Every InfluxQL query of the dashboards: panel targets, query variables, annotations. */
    static List<Query> dashboardQueries(List<Dashboard> dashboards) {
        List<Query> out = new ArrayList<>();
        for (Dashboard d : dashboards) {
            String file = d.file().getFileName().toString();
            for (JsonNode p : d.panels()) {
                for (JsonNode t : p.path("targets")) {
                    out.add(new Query(Source.PANEL, d, p, t.path("refId").asText(), t.path("query").asText(),
                            file + " panel " + p.path("id").asInt() + " '" + p.path("title").asText() + "' "
                                    + t.path("refId").asText()));
                }
            }
            for (JsonNode v : d.variables()) {
                if (v.path("type").asText().equals("query")) {
                    out.add(new Query(Source.VARIABLE, d, null, v.path("name").asText(), variableQuery(v),
                            file + " variable $" + v.path("name").asText()));
                }
            }
            for (JsonNode a : d.json().path("annotations").path("list")) {
                JsonNode target = a.path("target");
                out.add(new Query(Source.ANNOTATION, d, null, target.path("refId").asText(),
                        target.path("query").asText(), file + " annotation '" + a.path("name").asText() + "'"));
            }
        }
        return out;
    }

    /** Every InfluxQL query of the alert rules (expressions left out). */
    static List<Query> alertQueries() {
        List<Query> out = new ArrayList<>();
        for (JsonNode rule : alertRules()) {
            for (JsonNode data : rule.path("data")) {
                if (!data.path("datasourceUid").asText().equals(EXPRESSION_UID)) {
                    out.add(new Query(Source.ALERT_RULE, null, null, data.path("refId").asText(),
                            data.path("model").path("query").asText(),
                            "alert rule '" + rule.path("title").asText() + "' " + data.path("refId").asText()));
                }
            }
        }
        return out;
    }
}
