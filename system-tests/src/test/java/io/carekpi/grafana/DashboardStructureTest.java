package io.carekpi.grafana;

import io.carekpi.testing.Repository;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.influx.LineProtocol;
import io.carekpi.grafana.GrafanaProvisioning.Dashboard;
import io.carekpi.grafana.GrafanaProvisioning.Query;
import io.carekpi.grafana.GrafanaProvisioning.Source;
import io.carekpi.grafana.InfluxQl.Call;
import io.carekpi.grafana.InfluxQl.Condition;
import io.carekpi.grafana.InfluxQl.Statement;
import io.carekpi.kpi.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provisioned dashboards and alert rules are well-formed and read only what the engine writes,
 * the way its KPI contract says they must be read (SPEC section 4: sum the sums and counts, never
 * average the averages). Grafana itself cannot run here; {@link DashboardQueriesITCase} runs every
 * query against a real InfluxDB fed by the real pipeline.
 */
class DashboardStructureTest {
    /** Functions that are exact on a value that does not add up (one point per window and grouping). */
    private static final Set<String> SELECTORS = Set.of("last", "first", "max", "min");
    /** Grafana's own variables. */
    private static final Set<String> BUILT_IN_VARIABLES =
            Set.of("timeFilter", "__interval", "__interval_ms", "interval", "__range", "__range_s", "__range_ms");
    private static final Pattern MATH_REF = Pattern.compile("\\$\\{?([A-Za-z0-9_]+)");

    private static List<Dashboard> dashboards;
    private static List<Query> dashboardQueries;
    private static List<Query> allQueries;
    private static EngineOutputs engine;
    private static String datasourceUid;
    private static Set<String> windowLabels;

    @BeforeAll
    static void load() throws Exception {
        dashboards = GrafanaProvisioning.dashboards();
        dashboardQueries = GrafanaProvisioning.dashboardQueries(dashboards);
        allQueries = Stream.concat(dashboardQueries.stream(), GrafanaProvisioning.alertQueries().stream()).toList();
        engine = EngineOutputs.derive();
        datasourceUid = GrafanaProvisioning.datasourceUid();
        windowLabels = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml")).windows.stream()
                .map(w -> w.label).collect(Collectors.toSet());
    }

    @Test
    void theEngineOutputsAreDerivedFromTheSchemasAndTheLineProtocol() {
        assertThat(engine.measurements()).containsExactlyInAnyOrder(LineProtocol.KPI_MEASUREMENT,
                LineProtocol.SLA_MEASUREMENT, LineProtocol.QUEUE_MEASUREMENT);
        assertThat(engine.tags.get("care_kpi")).containsExactlyInAnyOrder("window", "channel", "agent", "queue");
        assertThat(engine.fields.get("care_kpi"))
                .containsAll(Arrays.stream(Counter.all()).map(Counter::field).toList())
                .contains("revision", "is_final", "frt_p90_ms", "service_level");
        assertThat(engine.derivedRatioKpiFields).contains("avg_frt_ms", "aht_ms", "csat_pct", "nps", "ces_avg",
                "abandon_rate", "bot_containment_rate", "fcr_rate", "service_level");
        assertThat(engine.tags.get("care_sla")).contains("channel", "clock", "status", "queue", "agent");
        assertThat(engine.fields.get("care_sla")).contains("threshold_ms", "overrun_ms", "deadline",
                "conversation_id", "sla_event_id");
        assertThat(engine.tags.get("care_queue")).containsExactlyInAnyOrder("channel", "queue");
        assertThat(engine.fields.get("care_queue")).containsExactlyInAnyOrder("waiting", "oldest_wait_ms");
    }

    @Test
    void everyDashboardFileParsesAsAProvisionableGrafanaDashboardWithAUniqueUid() {
        assertThat(dashboards).extracting(d -> d.file().getFileName().toString()).containsExactlyInAnyOrder(
                "care-wallboard.json", "channel-queue-trends.json", "agents.json", "sla.json",
                "self-service-surveys.json");
        for (Dashboard d : dashboards) {
            assertThat(d.uid()).as(d.file() + " uid").matches("[a-z0-9-]{1,40}");
            assertThat(d.title()).as(d.file() + " title").isNotBlank();
            assertThat(d.json().path("schemaVersion").asInt()).as(d.file() + " schemaVersion").isBetween(36, 41);
            assertThat(d.json().path("id").isNull() || d.json().path("id").isMissingNode())
                    .as(d.file() + ": a provisioned dashboard has no database id").isTrue();
            assertThat(d.panels()).as(d.file() + " panels").isNotEmpty();
            assertThat(d.json().path("time").path("from").asText()).as(d.file() + " time range").isNotBlank();
        }
        assertThat(dashboards).extracting(Dashboard::uid).doesNotHaveDuplicates();
        assertThat(dashboards).extracting(Dashboard::title).doesNotHaveDuplicates();
    }

    @Test
    void panelIdsAreUniqueWithinEachDashboard() {
        for (Dashboard d : dashboards) {
            List<Integer> ids = d.panels().stream().map(p -> p.path("id").asInt(-1)).toList();
            assertThat(ids).as(d.file() + " panel ids").doesNotContain(-1).doesNotHaveDuplicates();
        }
    }

    @Test
    void everyDatasourceReferenceResolvesToTheProvisionedInfluxDatasource() {
        assertThat(GrafanaProvisioning.influxDatasource().path("type").asText()).isEqualTo("influxdb");
        for (Dashboard d : dashboards) {
            List<String> bad = new ArrayList<>();
            int[] refs = {0};
            walk(d.json(), "", (path, node) -> {
                if (path.endsWith(".datasource")) {
                    refs[0]++;
                    if (!node.isObject() || !node.path("uid").asText().equals(datasourceUid)
                            || !node.path("type").asText().equals("influxdb")) {
                        bad.add(path + " = " + node);
                    }
                }
            });
            assertThat(bad).as(d.file() + ": datasource references other than uid " + datasourceUid).isEmpty();
            assertThat(refs[0]).as(d.file() + " datasource references").isPositive();
            for (JsonNode p : d.panels()) {
                if (p.has("targets")) {
                    assertThat(p.path("datasource").path("uid").asText()).as(d.file() + " panel " + p.path("title"))
                            .isEqualTo(datasourceUid);
                    p.path("targets").forEach(t -> assertThat(t.path("rawQuery").asBoolean())
                            .as(d.file() + " panel " + p.path("title") + " target " + t.path("refId") + " is raw InfluxQL")
                            .isTrue());
                }
            }
        }
    }

    @Test
    void everyQueryReadsOnlyMeasurementsTagsAndFieldsTheEngineWrites() {
        assertThat(allQueries).hasSizeGreaterThan(50);
        List<String> bad = new ArrayList<>();
        for (Query q : allQueries) {
            Statement s = InfluxQl.parse(q.text());
            if (s.measurement == null || !engine.measurements().contains(s.measurement)) {
                bad.add(q + " -- measurement " + s.measurement + " is not written by the engine");
                continue;
            }
            for (String name : s.referencedNames()) {
                if (!engine.hasTagOrField(s.measurement, name)) {
                    bad.add(q + " -- " + s.measurement + " has no tag or field '" + name + "'");
                }
            }
            if (s.tagKey != null && !engine.tags.get(s.measurement).contains(s.tagKey)) {
                bad.add(q + " -- '" + s.tagKey + "' is not a tag of " + s.measurement);
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void noQueryTakesTheMeanOfADerivedRatio() {
        Set<String> bad = new LinkedHashSet<>();
        for (Query q : allQueries) {
            for (Call c : InfluxQl.parse(q.text()).calls()) {
                if (!SELECTORS.contains(c.function()) && engine.derivedRatioKpiFields.contains(c.argument())) {
                    bad.add(q + " -- " + c.function() + "(" + c.argument() + ")");
                }
                if (c.function().equals("mean") && engine.nonAdditiveKpiFields.contains(c.argument())) {
                    bad.add(q + " -- mean(" + c.argument() + ")");
                }
            }
        }
        assertThat(bad).as("averages of per-window ratios are wrong over any range; sum the sums and counts").isEmpty();
    }

    @Test
    void kpiQueriesAggregateOnlyAdditiveCountersAndReadOtherFieldsWithASelector() {
        List<String> bad = new ArrayList<>();
        for (Query q : allQueries) {
            Statement s = InfluxQl.parse(q.text());
            if (!LineProtocol.KPI_MEASUREMENT.equals(s.measurement) || !s.verb.equals("SELECT")) {
                continue;
            }
            for (Call c : s.selectCalls()) {
                boolean additive = engine.additiveKpiFields.contains(c.argument());
                boolean ok = additive ? c.function().equals("sum") || SELECTORS.contains(c.function())
                        : SELECTORS.contains(c.function());
                if (!ok) {
                    bad.add(q + " -- " + c.function() + "(" + c.argument() + ")");
                }
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void everyRatioIsASumOfSumsOverASumOfCountsGuardedAgainstEmptyPoints() {
        List<String> bad = new ArrayList<>();
        int ratios = 0;
        for (Query q : allQueries) {
            Statement s = InfluxQl.parse(q.text());
            if (!s.verb.equals("SELECT") || !s.divides()) {
                continue;
            }
            ratios++;
            for (Call c : s.selectCalls()) {
                if (!c.function().equals("sum") || !engine.additiveKpiFields.contains(c.argument())) {
                    bad.add(q + " -- divides " + c.function() + "(" + c.argument() + ")");
                } else if (!s.positiveGuards().contains(c.argument())) {
                    // Points where every field of the ratio is 0 add nothing; leaving them out turns
                    // an empty range into "no data" instead of InfluxQL's 0 for 0 / 0.
                    bad.add(q + " -- no guard \"" + c.argument() + "\" > 0 in WHERE");
                }
            }
        }
        assertThat(ratios).isGreaterThan(20);
        assertThat(bad).isEmpty();
    }

    @Test
    void everyKpiQueryPinsOneWindowSizeAndNeverAddsTheAllRowToItsParts() {
        Set<String> dimensions = new LinkedHashSet<>(engine.tags.get(LineProtocol.KPI_MEASUREMENT));
        dimensions.remove("window");
        List<String> bad = new ArrayList<>();
        for (Query q : allQueries) {
            Statement s = InfluxQl.parse(q.text());
            if (!LineProtocol.KPI_MEASUREMENT.equals(s.measurement) || !s.verb.equals("SELECT")) {
                continue;
            }
            List<Condition> conditions = s.conditions();
            List<String> windows = conditions.stream()
                    .filter(c -> c.name().equals("window") && c.op().equals("="))
                    .flatMap(c -> windowValues(q, c.value().text()).stream()).toList();
            if (windows.isEmpty() || !windowLabels.containsAll(windows)) {
                bad.add(q + " -- window sizes " + windows + ", configured " + windowLabels);
            }
            addsAnAllRowToItsParts(q, s, dimensions, bad);
        }
        assertThat(bad).isEmpty();
    }

    /**
     * The live gauges have {@code all} rows too (every queue of a channel; every channel): a query
     * on {@code care_queue} that neither pins, groups by nor excludes them would count a waiting
     * conversation two or three times.
     */
    @Test
    void everyLiveGaugeQueryNeverAddsTheAllRowsToTheirParts() {
        List<String> bad = new ArrayList<>();
        int gaugeQueries = 0;
        for (Query q : allQueries) {
            Statement s = InfluxQl.parse(q.text());
            if (LineProtocol.QUEUE_MEASUREMENT.equals(s.measurement) && s.verb.equals("SELECT")) {
                gaugeQueries++;
                addsAnAllRowToItsParts(q, s, engine.tags.get(LineProtocol.QUEUE_MEASUREMENT), bad);
            }
        }
        assertThat(gaugeQueries).isGreaterThanOrEqualTo(4);
        assertThat(bad).isEmpty();
    }

    /** Adds to {@code bad} each of {@code dimensions} that {@code s} neither pins, nor groups by, nor has {@code != 'all'}. */
    private static void addsAnAllRowToItsParts(Query q, Statement s, Collection<String> dimensions, List<String> bad) {
        List<Condition> conditions = s.conditions();
        for (String dim : dimensions) {
            boolean pinned = conditions.stream().anyMatch(c -> c.name().equals(dim) && c.op().equals("="));
            boolean allRowExcluded = conditions.stream().anyMatch(c -> c.name().equals(dim) && c.op().equals("!=")
                    && c.value().text().equals("all"));
            if (!pinned && !allRowExcluded && !s.groupByTags().contains(dim)) {
                bad.add(q + " -- '" + dim + "' is neither pinned, nor grouped by, nor != 'all':"
                        + " the 'all' row would be added to the rows it already sums");
            }
        }
    }

    @Test
    void everyPanelAnnotationAndAlertQueryFollowsTheTimeRangeAndGrafanasInterval() {
        List<String> bad = new ArrayList<>();
        for (Query q : allQueries) {
            if (q.source() == Source.VARIABLE) {
                continue;
            }
            Statement s = InfluxQl.parse(q.text());
            if (!s.variables().contains("timeFilter")) {
                bad.add(q + " -- no $timeFilter");
            }
            if (s.groupsByTime() && !s.timeBucket().stream().allMatch(t -> t.text().equals("__interval"))) {
                bad.add(q + " -- GROUP BY time(" + s.timeBucket() + ") instead of $__interval");
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void templateVariablesAreDefinedAndFormattedForWhereTheyAreUsed() {
        List<String> bad = new ArrayList<>();
        for (Query q : dashboardQueries) {
            Statement s = InfluxQl.parse(q.text());
            for (String v : s.variables()) {
                if (!BUILT_IN_VARIABLES.contains(v) && q.dashboard().variable(v) == null) {
                    bad.add(q + " -- $" + v + " is not defined");
                }
            }
            for (String v : s.variablesInRegex()) {
                JsonNode def = q.dashboard().variable(v);
                if (def != null && !def.path("multi").asBoolean() && !def.path("includeAll").asBoolean()) {
                    bad.add(q + " -- $" + v + " in a regex must be multi-value (Grafana then escapes it as a regex)");
                }
            }
            for (String v : s.variablesInStrings()) {
                JsonNode def = q.dashboard().variable(v);
                if (def != null && (def.path("multi").asBoolean() || def.path("includeAll").asBoolean())) {
                    bad.add(q + " -- $" + v + " in a string must be single-valued");
                }
            }
        }
        for (Dashboard d : dashboards) {
            for (JsonNode v : d.variables()) {
                if (v.path("type").asText().equals("query")) {
                    assertThat(v.path("datasource").path("uid").asText()).as(d.file() + " $" + v.path("name"))
                            .isEqualTo(datasourceUid);
                }
            }
            assertThat(d.variable("channel")).as(d.file() + " has a channel variable").isNotNull();
            for (JsonNode p : d.panels()) {
                String interval = p.path("interval").asText();
                if (interval.startsWith("$") && d.variable(interval.substring(1)) == null) {
                    bad.add(d.file() + " panel " + p.path("title") + " min interval " + interval + " is not defined");
                }
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void theWallboardIsADarkTvBoardRefreshedEvery5sWithBigStatsPerChannel() {
        Dashboard w = GrafanaProvisioning.dashboard("carekpi-wallboard");
        assertThat(w.title()).isEqualTo("Care wallboard");
        assertThat(w.json().path("refresh").asText()).isEqualTo("5s");
        assertThat(w.json().path("style").asText()).isEqualTo("dark");
        assertThat(w.json().path("time").path("from").asText()).isEqualTo("now/d");
        assertThat(GrafanaProvisioning.variableQuery(w.variable("channel")))
                .isEqualTo("SHOW TAG VALUES FROM \"care_kpi\" WITH KEY = \"channel\"");
        assertThat(w.panels()).extracting(p -> p.path("title").asText()).contains("Waiting now", "Oldest wait",
                "First response today (average)", "First response today (p90)", "Service level today (target 80 %)",
                "AHT today", "FCR today (provisional)", "CSAT today", "NPS today", "Abandon rate today",
                "Bot containment today", "SLA breaches today");
        for (JsonNode p : w.panels()) {
            assertThat(p.path("type").asText()).as(p.path("title").asText()).isEqualTo("stat");
            assertThat(p.path("options").path("colorMode").asText()).as(p.path("title").asText()).isEqualTo("background");
            assertThat(p.path("options").path("graphMode").asText()).as(p.path("title").asText()).isEqualTo("none");
            assertThat(p.path("gridPos").path("h").asInt()).as(p.path("title").asText()).isGreaterThanOrEqualTo(6);
            for (JsonNode t : p.path("targets")) {
                Statement s = InfluxQl.parse(t.path("query").asText());
                assertThat(s.groupByTags()).as(p.path("title") + ": one stat per channel").contains("channel");
                assertThat(s.groupsByTime()).as(p.path("title") + ": one value for the whole day").isFalse();
            }
        }
        JsonNode sl = w.panelTitled("Service level today (target 80 %)").path("fieldConfig").path("defaults");
        assertThat(sl.path("unit").asText()).isEqualTo("percentunit");
        assertThat(sl.path("thresholds").path("steps")).extracting(JsonNode::toString)
                .containsExactly("{\"color\":\"red\",\"value\":null}", "{\"color\":\"orange\",\"value\":0.7}",
                        "{\"color\":\"green\",\"value\":0.8}");
    }

    @Test
    void alertRulesParseAndQueryTheProvisionedDatasource() {
        List<JsonNode> rules = GrafanaProvisioning.alertRules();
        assertThat(rules).extracting(r -> r.path("title").asText()).containsExactlyInAnyOrder(
                "SLA breach in the last minute", "Service level below target over 15 min",
                "Oldest wait above the first-response threshold");
        assertThat(rules).extracting(r -> r.path("uid").asText()).doesNotHaveDuplicates();
        for (JsonNode rule : rules) {
            String title = rule.path("title").asText();
            Set<String> refIds = new HashSet<>();
            rule.path("data").forEach(d -> refIds.add(d.path("refId").asText()));
            assertThat(refIds).as(title + " condition").contains(rule.path("condition").asText());
            int influx = 0;
            for (JsonNode data : rule.path("data")) {
                String uid = data.path("datasourceUid").asText();
                JsonNode model = data.path("model");
                assertThat(model.path("refId").asText()).as(title).isEqualTo(data.path("refId").asText());
                if (uid.equals(GrafanaProvisioning.EXPRESSION_UID)) {
                    for (String ref : expressionRefs(model)) {
                        assertThat(refIds).as(title + " " + data.path("refId") + " refers to " + ref).contains(ref);
                    }
                } else {
                    influx++;
                    assertThat(uid).as(title + " datasourceUid").isEqualTo(datasourceUid);
                    assertThat(model.path("datasource").path("uid").asText()).as(title).isEqualTo(datasourceUid);
                    assertThat(model.path("rawQuery").asBoolean()).as(title + " raw InfluxQL").isTrue();
                    assertThat(data.path("relativeTimeRange").path("from").asInt()).as(title + " time range").isPositive();
                }
            }
            assertThat(influx).as(title + " InfluxQL queries").isPositive();
            assertThat(rule.path("noDataState").asText()).as(title).isEqualTo("OK");
            if (rule.has("dashboardUid")) {
                Dashboard d = GrafanaProvisioning.dashboard(rule.path("dashboardUid").asText());
                assertThat(d.panels()).extracting(p -> p.path("id").asInt()).as(title + " panel")
                        .contains(rule.path("panelId").asInt());
            }
        }
        assertThat(GrafanaProvisioning.yamlFiles(GrafanaProvisioning.ALERTING))
                .allSatisfy(f -> assertThat(GrafanaProvisioning.yaml(f).path("apiVersion").asInt()).as(f.toString()).isEqualTo(1));
    }

    @Test
    void alertAnnotationsAndLabelsHoldNoDollarThatGrafanaWouldExpandAsAnEnvironmentVariable() {
        for (JsonNode rule : GrafanaProvisioning.allAlertRules()) {
            for (String part : List.of("annotations", "labels")) {
                rule.path(part).forEach(v -> assertThat(v.asText()).as(rule.path("title") + " " + part)
                        .doesNotContain("$").isNotBlank());
            }
        }
    }

    @Test
    void theContactPointTakesItsTargetFromTheEnvironmentAndThePolicyRoutesEverythingToIt() {
        List<JsonNode> contactPoints = GrafanaProvisioning.contactPoints();
        assertThat(contactPoints).hasSize(1);
        JsonNode cp = contactPoints.get(0);
        assertThat(cp.path("receivers")).isNotEmpty();
        for (JsonNode receiver : cp.path("receivers")) {
            assertThat(receiver.path("type").asText()).isIn("webhook", "email", "slack");
            String target = Stream.of("url", "addresses").map(k -> receiver.path("settings").path(k).asText(""))
                    .filter(s -> !s.isEmpty()).findFirst().orElse("");
            assertThat(target).as("the target is an environment variable").matches("\\$\\{?CAREKPI_ALERT_[A-Z0-9_]+\\}?");
        }
        List<JsonNode> policies = GrafanaProvisioning.policies();
        assertThat(policies).hasSize(1);
        assertThat(policies.get(0).path("receiver").asText()).isEqualTo(cp.path("name").asText());
        assertThat(policies.get(0).path("group_by")).extracting(JsonNode::asText).contains("alertname", "channel");
    }

    /** The refIds an expression reads: {@code expression: A} of reduce/threshold, {@code $A} of math. */
    private static Set<String> expressionRefs(JsonNode model) {
        String expression = model.path("expression").asText();
        Set<String> out = new LinkedHashSet<>();
        if (model.path("type").asText().equals("math")) {
            Matcher m = MATH_REF.matcher(expression);
            while (m.find()) {
                out.add(m.group(1));
            }
        } else {
            out.add(expression);
        }
        return out;
    }

    /** The window sizes a {@code "window" = '...'} condition can take: a literal, or the options of a custom variable. */
    private static List<String> windowValues(Query q, String value) {
        Matcher m = Pattern.compile("^\\$\\{?(\\w+)\\}?$").matcher(value);
        if (!m.matches()) {
            return List.of(value);
        }
        JsonNode v = q.dashboard() == null ? null : q.dashboard().variable(m.group(1));
        if (v == null || !v.path("type").asText().equals("custom")) {
            return List.of("$" + m.group(1) + " (not a custom variable)");
        }
        return Arrays.stream(GrafanaProvisioning.variableQuery(v).split(",")).map(String::trim).toList();
    }

    private interface Visitor {
        void visit(String path, JsonNode node);
    }

    private static void walk(JsonNode node, String path, Visitor visitor) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path + "." + e.getKey();
                visitor.visit(p, e.getValue());
                walk(e.getValue(), p, visitor);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", visitor);
            }
        }
    }
}
