package io.carekpi.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.config.Durations;
import io.carekpi.connectors.influx.InfluxQuery;
import io.carekpi.connectors.influx.LineProtocol;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.grafana.GrafanaProvisioning.Dashboard;
import io.carekpi.grafana.GrafanaProvisioning.Query;
import io.carekpi.kpi.Counter;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.LivePipelineRun;
import io.carekpi.testing.MiniClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of the provisioned dashboards, template variables, annotations and alert rules, run
 * the way Grafana runs it against a real InfluxDB that the real pipeline filled: a generated day of
 * traffic is produced to a real Kafka broker and the live job (bounded Kafka source, MiniCluster,
 * checkpoints) writes it through the InfluxDB sinks into a real {@code influxd}. Grafana's macros
 * are substituted as Grafana does ({@code $timeFilter} = the generated day, {@code $__interval} =
 * the panel's minimum interval or 1m, multi-value variables = all their values as an escaped regex
 * alternative), every query must succeed and return data, and the headline figures must equal the
 * replay of the same events.
 *
 * <p>{@code care_queue} gauges are stamped with the wall clock of the run, not with event time (they
 * are "now" readings), so queries on {@code care_queue} get the run's time range instead of the
 * generated day.
 */
class DashboardQueriesITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    private static final Instant DAY_START = DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant DAY_END = DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final int CONVERSATIONS = 2000;
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::[^}]*)?}|\\$(\\w+)");

    @TempDir static Path dir;

    private static Fixture fixture;
    private static Exception fixtureFailure;

    /**
     * The pipeline's output, produced once for all tests of the class.
     *
     * @param liveVsReplay differences between the live run's 1d points in InfluxDB and the replay's
     *     1d snapshots of the day: the engine's own equivalence (EndToEndITCase), checked here so
     *     that a failure of the dashboard comparisons below points at the right culprit
     */
    private record Fixture(LivePipelineRun run, InfluxQuery influxQuery, List<String> liveVsReplay) {
        Map<String, JsonNode> replay() {
            return run.expectedKpis;
        }

        Instant runStart() {
            return run.started;
        }

        Instant runEnd() {
            return run.finished;
        }
    }

    private static synchronized Fixture fixture() throws Exception {
        if (fixtureFailure != null) {
            throw new IllegalStateException("the pipeline run failed (see the first test's failure)", fixtureFailure);
        }
        if (fixture == null) {
            try {
                fixture = runPipeline();
            } catch (Exception e) {
                fixtureFailure = e;
                throw e;
            }
        }
        return fixture;
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.influxQuery().close();
            fixture.run().close();
        }
    }

    @Test
    void everyDashboardVariableAnnotationAndAlertQuerySucceedsAndReturnsDataForALiveRunOfAGeneratedDay()
            throws Exception {
        Fixture f = fixture();
        List<String> failures = new ArrayList<>();
        Set<String> executed = new LinkedHashSet<>();
        int checked = 0;
        for (Dashboard d : GrafanaProvisioning.dashboards()) {
            Map<String, List<String>> options = resolveVariables(f, d, failures);
            for (Map<String, String> selection : selectionsWithEveryValueOfSingleValuedVariables(d, options)) {
                for (Query q : GrafanaProvisioning.dashboardQueries(List.of(d))) {
                    String interval = q.panel() == null ? "1m" : interval(q.panel(), selection);
                    String sql = interpolate(q.text(), selection, interval);
                    if (executed.add(sql)) {
                        checked++;
                        check(f, q, sql, failures);
                    }
                }
            }
        }
        for (Query q : GrafanaProvisioning.alertQueries()) {
            checked++;
            check(f, q, interpolate(q.text(), Map.of(), "1m"), failures);
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(failures).as("queries that failed or returned no data").isEmpty();
    }

    @Test
    void theWallboardHeadlineFiguresOfTheDayEqualTheReplayForEveryChannelAndForOneChannel() throws Exception {
        Fixture f = fixture();
        assertLiveRunEqualsReplay(f);
        Dashboard wallboard = GrafanaProvisioning.dashboard("carekpi-wallboard");
        Map<String, Function<JsonNode, Double>> headlines = new LinkedHashMap<>();
        headlines.put("First response today (average)", n -> field(n, "avg_frt_ms"));
        headlines.put("First response today (p90)", n -> field(n, "frt_p90_ms"));
        headlines.put("Service level today (target 80 %)", n -> field(n, "service_level"));
        headlines.put("AHT today", n -> field(n, "aht_ms"));
        headlines.put("CSAT today", n -> field(n, "csat_pct"));
        headlines.put("NPS today", n -> field(n, "nps"));
        headlines.put("Abandon rate today", n -> field(n, "abandon_rate"));
        headlines.put("Bot containment today", n -> field(n, "bot_containment_rate"));
        headlines.put("FCR today (provisional)", n -> ratio(n, "fcr_candidates", "resolved"));
        headlines.put("SLA breaches today", n -> (double) (n.get("sla_first_response_breached").asLong()
                + n.get("sla_next_response_breached").asLong() + n.get("sla_resolution_breached").asLong()));
        Map<String, List<String>> options = resolveVariables(f, wallboard, new ArrayList<>());
        String allChannels = regexAlternative(options.get("channel"));

        for (Map.Entry<String, Function<JsonNode, Double>> h : headlines.entrySet()) {
            JsonNode panel = wallboard.panelTitled(h.getKey());
            String query = panel.path("targets").get(0).path("query").asText();
            Map<String, Double> everyChannel = valuesBySeries(f, interpolate(query, Map.of("channel", allChannels), "1m"));
            Map<String, Double> expected = expectedByChannel(f.replay(), "all", h.getValue());
            assertThat(expected).as(h.getKey() + " in the replay").containsKeys("all", "WHATSAPP", "VOICE");
            assertEqual(h.getKey() + ", every channel", everyChannel, expected);

            Map<String, Double> whatsApp = valuesBySeries(f, interpolate(query, Map.of("channel", "WHATSAPP"), "1m"));
            assertEqual(h.getKey() + ", WHATSAPP alone", whatsApp, Map.of("WHATSAPP", expected.get("WHATSAPP")));
        }
    }

    /**
     * The wallboard's live gauges have the {@code all} row (every channel together) that its KPI
     * panels have: with every value of $channel selected, and with {@code all} alone (the floor's
     * overview board), "Waiting now" and "Oldest wait" return a reading for it.
     */
    @Test
    void theWallboardLiveGaugesShowTheAllChannelRow() throws Exception {
        Fixture f = fixture();
        Dashboard wallboard = GrafanaProvisioning.dashboard("carekpi-wallboard");
        Map<String, List<String>> options = resolveVariables(f, wallboard, new ArrayList<>());
        assertThat(options.get("channel")).as("the wallboard's channels (from care_kpi)").contains("all", "VOICE");
        for (String title : List.of("Waiting now", "Oldest wait")) {
            String query = wallboard.panelTitled(title).path("targets").get(0).path("query").asText();
            Map<String, Double> everyChannel = valuesBySeries(f,
                    interpolate(query, Map.of("channel", regexAlternative(options.get("channel"))), "1m"));
            assertThat(everyChannel).as(title + ", every channel selected").containsKeys("all", "VOICE");
            Map<String, Double> allAlone = valuesBySeries(f, interpolate(query, Map.of("channel", "all"), "1m"));
            assertThat(allAlone).as(title + ", the all row alone").containsOnlyKeys("all");
        }
    }

    @Test
    void trendRatiosSummedIntoOneDayBucketEqualTheReplayDayFromMinuteAndFromHourPoints() throws Exception {
        Fixture f = fixture();
        assertLiveRunEqualsReplay(f);
        Dashboard trends = GrafanaProvisioning.dashboard("carekpi-trends");
        Map<String, Function<JsonNode, Double>> perChannel = new LinkedHashMap<>();
        perChannel.put("First response time (average)", n -> field(n, "avg_frt_ms"));
        perChannel.put("Next response time (average)", n -> field(n, "avg_nrt_ms"));
        perChannel.put("Service level (first response)", n -> field(n, "service_level"));
        perChannel.put("Average handle time", n -> field(n, "aht_ms"));
        perChannel.put("Resolution time (average)", n -> field(n, "avg_resolution_ms"));
        perChannel.put("First contact resolution", n -> ratio(n, "fcr_candidates", "resolved"));
        perChannel.put("Contacts to resolution (average)", n -> field(n, "avg_contacts_to_resolution"));
        perChannel.put("CSAT", n -> field(n, "csat_pct"));
        perChannel.put("NPS", n -> field(n, "nps"));
        perChannel.put("Abandon rate", n -> field(n, "abandon_rate"));
        perChannel.put("Bot containment", n -> field(n, "bot_containment_rate"));
        Map<String, Function<JsonNode, Double>> perQueue = new LinkedHashMap<>();
        perQueue.put("First response time per queue (average)", n -> field(n, "avg_frt_ms"));
        perQueue.put("Service level per queue", n -> field(n, "service_level"));
        perQueue.put("Average handle time per queue", n -> field(n, "aht_ms"));
        perQueue.put("CSAT per queue", n -> field(n, "csat_pct"));

        Map<String, List<String>> options = resolveVariables(f, trends, new ArrayList<>());
        for (String resolution : List.of("1m", "1h")) {
            Map<String, String> selection = Map.of("channel", regexAlternative(options.get("channel")),
                    "queue", regexAlternative(options.get("queue")), "resolution", resolution);
            for (Map.Entry<String, Function<JsonNode, Double>> t : perChannel.entrySet()) {
                String query = trends.panelTitled(t.getKey()).path("targets").get(0).path("query").asText();
                assertEqual(t.getKey() + " from " + resolution + " points",
                        valuesBySeries(f, interpolate(query, selection, "1d")),
                        expectedByChannel(f.replay(), "all", t.getValue()));
            }
            for (Map.Entry<String, Function<JsonNode, Double>> t : perQueue.entrySet()) {
                String query = trends.panelTitled(t.getKey()).path("targets").get(0).path("query").asText();
                Map<String, Double> expected = expectedByChannelAndQueue(f.replay(), t.getValue());
                assertThat(expected).as(t.getKey()).isNotEmpty();
                assertEqual(t.getKey() + " from " + resolution + " points",
                        valuesBySeries(f, interpolate(query, selection, "1d")), expected);
            }
        }
    }

    // ------------------------------------------------------------------ the pipeline

    private static Fixture runPipeline() throws Exception {
        LivePipelineRun run = LivePipelineRun.run(dir, DAY, CONVERSATIONS, 11);
        try {
            InfluxQuery influxQuery = InfluxQuery.connect(run.connection);
            List<String> liveVsReplay = liveDayAgainstReplay(influxQuery, run.expectedKpis);
            if (!liveVsReplay.isEmpty()) {
                liveVsReplay.add(0, "late or rejected input records on care.dlq: "
                        + KafkaTopics.readAll(run.broker.bootstrapServers(), KafkaSettings.DLQ).size());
            }
            return new Fixture(run, influxQuery, liveVsReplay);
        } catch (Exception | Error e) {
            run.close();
            throw e;
        }
    }

    /** Every counter of every 1d point of the day in InfluxDB against the replay's snapshot. */
    private static List<String> liveDayAgainstReplay(InfluxQuery q, Map<String, JsonNode> replay) {
        List<String> diffs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (InfluxQuery.Row row : q.rows("SELECT * FROM \"care_kpi\" WHERE \"window\" = '1d' AND time = '" + DAY_START
                + "' GROUP BY *")) {
            String key = "1d|" + DAY_START + "|" + row.tags().get("channel") + "|" + row.tags().get("agent") + "|"
                    + row.tags().get("queue");
            seen.add(key);
            JsonNode e = replay.get(key);
            if (e == null) {
                diffs.add(key + " not in the replay");
                continue;
            }
            for (Counter c : Counter.all()) {
                long live = row.getLong(c.field());
                if (live != e.get(c.field()).asLong()) {
                    diffs.add(key + " " + c.field() + ": replay " + e.get(c.field()) + ", live " + live);
                }
            }
        }
        replay.keySet().stream().filter(k -> k.startsWith("1d|" + DAY_START + "|") && !seen.contains(k))
                .forEach(k -> diffs.add(k + " missing in InfluxDB"));
        return diffs;
    }

    private static void assertLiveRunEqualsReplay(Fixture f) {
        assertThat(f.liveVsReplay())
                .as("the live run's 1d points in InfluxDB against the replay of the same events: a difference here"
                        + " is the engine's (live and replay disagree), not the dashboards'; first differences")
                .isEmpty();
    }


    // ------------------------------------------------------------------ Grafana's substitutions

    /**
     * The values of the dashboard's variables, in order (a query variable may use the ones before
     * it): query variables from InfluxDB, custom variables from their list.
     */
    private static Map<String, List<String>> resolveVariables(Fixture f, Dashboard d, List<String> failures) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (JsonNode v : d.variables()) {
            String name = v.path("name").asText();
            String type = v.path("type").asText();
            List<String> values = new ArrayList<>();
            if (type.equals("query")) {
                Map<String, String> selection = new LinkedHashMap<>();
                options.forEach((k, vs) -> selection.put(k, regexAlternative(vs)));
                String sql = interpolate(GrafanaProvisioning.variableQuery(v), selection, "1m");
                try {
                    f.influxQuery().rows(sql).forEach(r -> values.add(r.getString("value")));
                } catch (IllegalStateException e) {
                    failures.add(d.file().getFileName() + " variable $" + name + ": " + e.getMessage());
                }
            } else if (type.equals("custom")) {
                for (String o : GrafanaProvisioning.variableQuery(v).split(",")) {
                    values.add(o.trim());
                }
            } else {
                throw new AssertionError(d.file() + " variable $" + name + " of unsupported type " + type);
            }
            if (values.isEmpty()) {
                failures.add(d.file().getFileName() + " variable $" + name + " has no values");
            }
            options.put(name, values);
        }
        return options;
    }

    /**
     * Selections of every variable: multi-value ones get "All" (every value, as Grafana formats it
     * for InfluxQL); single-valued ones take each of their values in turn.
     */
    private static List<Map<String, String>> selectionsWithEveryValueOfSingleValuedVariables(
            Dashboard d, Map<String, List<String>> options) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (JsonNode v : d.variables()) {
            String name = v.path("name").asText();
            List<String> values = options.get(name);
            boolean multi = v.path("multi").asBoolean() || v.path("includeAll").asBoolean();
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> s : out) {
                if (multi) {
                    Map<String, String> c = new LinkedHashMap<>(s);
                    c.put(name, regexAlternative(values));
                    next.add(c);
                } else {
                    for (String value : values) {
                        Map<String, String> c = new LinkedHashMap<>(s);
                        c.put(name, value);
                        next.add(c);
                    }
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * Grafana's InfluxQL formatting of a multi-value variable: each value regex-escaped, several
     * joined as {@code (a|b)}.
     */
    private static String regexAlternative(List<String> values) {
        List<String> escaped = values.stream().map(v -> v.replaceAll("[\\\\^$*+?.()|\\[\\]{}/]", "\\\\$0")).toList();
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }

    /** The panel's {@code $__interval}: its minimum interval (variables substituted), at least 1m. */
    private static String interval(JsonNode panel, Map<String, String> selection) {
        String min = panel.path("interval").asText("");
        if (min.isEmpty()) {
            return "1m";
        }
        String value = interpolateVariables(min, selection);
        return Durations.parse(value).compareTo(Duration.ofMinutes(1)) > 0 ? value : "1m";
    }

    /** Substitutes Grafana's macros and the selected variables into an InfluxQL query. */
    private static String interpolate(String query, Map<String, String> selection, String interval) {
        String timeFilter = timeFilter(query);
        Map<String, String> all = new LinkedHashMap<>(selection);
        all.put("timeFilter", timeFilter);
        all.put("__interval", interval);
        all.put("interval", interval);
        all.put("__interval_ms", String.valueOf(Durations.parse(interval).toMillis()));
        return interpolateVariables(query, all);
    }

    private static String interpolateVariables(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = values.get(name);
            if (value == null) {
                throw new AssertionError("$" + name + " has no value in: " + text);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The generated day; for the live gauges (wall-clock readings), the time of the run. Grafana
     * writes {@code time >= ...ms and time <= ...ms}; the same range as RFC 3339 strings here.
     */
    private static String timeFilter(String query) {
        InfluxQl.Statement s = InfluxQl.parse(query);
        Instant from = DAY_START;
        Instant to = DAY_END;
        if (LineProtocol.QUEUE_MEASUREMENT.equals(s.measurement) && fixture != null) {
            from = fixture.runStart().minusSeconds(5);
            to = fixture.runEnd().plusSeconds(60);
        }
        return "time >= '" + from + "' AND time < '" + to + "'";
    }


    // ------------------------------------------------------------------ checks

    /** Runs a query; it must succeed and return at least one non-null value besides the time. */
    private static void check(Fixture f, Query q, String sql, List<String> failures) {
        try {
            List<InfluxQuery.Row> rows = f.influxQuery().rows(sql);
            boolean data = rows.stream().anyMatch(r -> r.values().entrySet().stream()
                    .anyMatch(e -> !e.getKey().equals("time") && e.getValue() != null));
            if (!data) {
                failures.add(q.where() + " returned no data: " + sql);
            }
        } catch (IllegalStateException e) {
            failures.add(q.where() + " failed: " + e.getMessage());
        }
    }

    /**
     * The value of each series of a query that yields one value per series (its only non-time
     * column, the single time bucket), keyed by the series' tags (channel, or channel/queue).
     */
    private static Map<String, Double> valuesBySeries(Fixture f, String sql) {
        Map<String, Double> out = new TreeMap<>();
        for (InfluxQuery.Row r : f.influxQuery().rows(sql)) {
            List<String> columns = r.values().keySet().stream().filter(c -> !c.equals("time")).toList();
            assertThat(columns).as("one value column: " + sql).hasSize(1);
            Double value = r.getDouble(columns.get(0));
            if (value == null) {
                continue;
            }
            String key = r.tags().containsKey("queue") ? r.tags().get("channel") + "/" + r.tags().get("queue")
                    : r.tags().get("channel");
            assertThat(out.put(key, value)).as("one value per series: " + sql).isNull();
        }
        return out;
    }

    private static Map<String, Double> expectedByChannel(Map<String, JsonNode> replay, String queue,
                                                         Function<JsonNode, Double> value) {
        Map<String, Double> out = new TreeMap<>();
        replay.forEach((key, n) -> {
            String[] k = key.split("\\|");
            if (k[0].equals("1d") && k[1].equals(DAY_START.toString()) && k[3].equals("all") && k[4].equals(queue)) {
                Double v = value.apply(n);
                if (v != null) {
                    out.put(k[2], v);
                }
            }
        });
        return out;
    }

    private static Map<String, Double> expectedByChannelAndQueue(Map<String, JsonNode> replay,
                                                                 Function<JsonNode, Double> value) {
        Map<String, Double> out = new TreeMap<>();
        replay.forEach((key, n) -> {
            String[] k = key.split("\\|");
            if (k[0].equals("1d") && k[1].equals(DAY_START.toString()) && k[3].equals("all") && !k[4].equals("all")) {
                Double v = value.apply(n);
                if (v != null) {
                    out.put(k[2] + "/" + k[4], v);
                }
            }
        });
        return out;
    }

    private static void assertEqual(String what, Map<String, Double> actual, Map<String, Double> expected) {
        assertThat(actual.keySet()).as(what + ": series").isEqualTo(expected.keySet());
        expected.forEach((k, e) -> assertThat(actual.get(k)).as(what + ": " + k)
                .isCloseTo(e, within(Math.max(1e-9, Math.abs(e) * 1e-12))));
    }

    /** A nullable numeric field of a replay snapshot. */
    private static Double field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        return v == null || v.isNull() ? null : v.asDouble();
    }

    private static Double ratio(JsonNode n, String numerator, String denominator) {
        long d = n.get(denominator).asLong();
        return d == 0 ? null : (double) n.get(numerator).asLong() / d;
    }
}
