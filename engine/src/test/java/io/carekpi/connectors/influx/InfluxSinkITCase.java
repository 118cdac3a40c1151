package io.carekpi.connectors.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.carekpi.schema.Channel;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaClock;
import io.carekpi.schema.SlaEvent;
import io.carekpi.schema.SlaStatus;
import io.carekpi.testing.LocalInflux;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against a real InfluxDB 1.x ({@link LocalInflux}) inside real Flink jobs: what lands
 * in InfluxDB is read back with InfluxQL.
 */
class InfluxSinkITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .build());

    private static final String DATABASE = "carekpi";
    private static final Instant BASE = Instant.parse("2024-03-01T10:00:00Z");
    private static final List<String> CHANNELS = List.of("WHATSAPP", "VOICE", "EMAIL", "all");
    private static final int KEYS = 100;
    private static final int REVISIONS = 3;

    private LocalInflux influx;

    @AfterEach
    void stopInflux() {
        if (influx != null) {
            influx.close();
        }
    }

    @Test
    void shouldStoreTheLatestRevisionOfEverySnapshotEverySlaEventAndEveryGaugeWithoutIdentifiersAsTags()
            throws Exception {
        influx = LocalInflux.started();
        influx.createDatabase(DATABASE);

        StreamExecutionEnvironment env = environment();
        buildJob(env, InfluxConnection.of(influx.url(), DATABASE), Duration.ofMillis(200));
        env.execute("influx-sink-it-all-outputs");

        try (InfluxQuery query = InfluxQuery.connect(InfluxConnection.of(influx.url(), DATABASE))) {
            // care_kpi: one point per snapshot key, holding its last revision
            InfluxQuery.Row kpi = single(query, "SELECT count(revision) AS points, min(revision) AS min_rev, "
                    + "max(revision) AS max_rev, sum(opened) AS opened FROM care_kpi");
            assertThat(kpi.getLong("points")).isEqualTo(KEYS);
            assertThat(kpi.getLong("min_rev")).isEqualTo(REVISIONS);
            assertThat(kpi.getLong("max_rev")).isEqualTo(REVISIONS);
            assertThat(kpi.getLong("opened")).isEqualTo(expectedOpenedOfLatestRevisions());

            // the live job's converter writes only the fields a revision changed (the last revision
            // of an odd key is not final, so it is such a line): InfluxDB merges them into the point
            InfluxQuery.Row p50 = single(query, "SELECT count(frt_p50_ms) AS n, min(frt_p50_ms) AS lo, "
                    + "max(frt_p50_ms) AS hi, count(first_responses) AS responses FROM care_kpi");
            assertThat(p50.getLong("n")).as("written by revision 2 only, kept by revision 3").isEqualTo(KEYS);
            assertThat(p50.getLong("lo")).isEqualTo(900L);
            assertThat(p50.getLong("hi")).isEqualTo(900L);
            assertThat(p50.getLong("responses")).isEqualTo(KEYS);
            InfluxQuery.Row one = single(query, "SELECT revision, is_final, opened, avg_frt_ms, frt_p50_ms FROM care_kpi "
                    + "WHERE agent = 'agent 7' AND \"window\" = '1m' AND channel = 'all'");
            assertThat(one.getLong("revision")).isEqualTo(REVISIONS);
            assertThat(one.getBoolean("is_final")).isFalse();
            assertThat(one.getLong("opened")).isEqualTo(opened(7, REVISIONS));
            assertThat(one.getDouble("avg_frt_ms")).isEqualTo(1_000.5 * REVISIONS);
            assertThat(one.getLong("frt_p50_ms")).isEqualTo(900L);
            assertThat(one.time()).isEqualTo(windowStart(7));

            assertThat(tagValues(query, "care_kpi", "queue")).contains("vip lounge, tier=1", "all");
            assertThat(tagValues(query, "care_kpi", "agent")).contains("agent 7", "all");

            // care_sla: every event, including two with the same tags in the same millisecond
            assertThat(single(query, "SELECT count(threshold_ms) AS n FROM care_sla").getLong("n"))
                    .isEqualTo(slaEvents().stream().map(SlaEvent::getSlaEventId).distinct().count());
            List<InfluxQuery.Row> sameMillisecond = query.rows("SELECT conversation_id, sla_event_id FROM care_sla "
                    + "WHERE time >= '" + SAME_MS + "' AND time < '" + SAME_MS.plusMillis(1) + "'");
            assertThat(sameMillisecond).extracting(r -> r.getString("conversation_id"))
                    .containsExactlyInAnyOrder("twin-a", "twin-b");
            assertThat(sameMillisecond).extracting(r -> r.time().toEpochMilli()).containsOnly(SAME_MS.toEpochMilli());

            // care_queue: every reading
            InfluxQuery.Row queue = single(query, "SELECT count(waiting) AS n, sum(waiting) AS waiting FROM care_queue");
            assertThat(queue.getLong("n")).isEqualTo(queueGauges().size());
            assertThat(queue.getLong("waiting")).isEqualTo(queueGauges().stream().mapToLong(QueueGauge::getWaiting).sum());

            // identifiers of conversations and customers are fields, never tags
            Map<String, Set<String>> tagKeys = tagKeys(query);
            assertThat(tagKeys).containsOnlyKeys("care_kpi", "care_sla", "care_queue");
            assertThat(tagKeys.get("care_kpi")).containsExactlyInAnyOrder("agent", "channel", "queue", "window");
            assertThat(tagKeys.get("care_sla")).containsExactlyInAnyOrder("agent", "channel", "clock", "queue", "status");
            assertThat(tagKeys.get("care_queue")).containsExactlyInAnyOrder("channel", "queue");
            assertThat(fieldKeys(query, "care_sla")).contains("conversation_id", "sla_event_id");
        }
    }

    @Test
    void shouldRetryWhileInfluxDbIsDownAndLoseNothingOnceItIsUp() throws Exception {
        influx = LocalInflux.create();
        influx.start();
        influx.createDatabase(DATABASE); // the database exists; the server is then down at first
        influx.stop();

        StreamExecutionEnvironment env = environment();
        buildJob(env, InfluxConnection.of(influx.url(), DATABASE), Duration.ofMillis(100));
        JobClient job = env.executeAsync("influx-sink-it-retry");

        Thread.sleep(4_000);
        assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        influx.start();
        JobExecutionResult result = job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        try (InfluxQuery query = InfluxQuery.connect(InfluxConnection.of(influx.url(), DATABASE))) {
            InfluxQuery.Row kpi = single(query, "SELECT count(revision) AS points, min(revision) AS min_rev, "
                    + "sum(opened) AS opened FROM care_kpi");
            assertThat(kpi.getLong("points")).isEqualTo(KEYS);
            assertThat(kpi.getLong("min_rev")).isEqualTo(REVISIONS);
            assertThat(kpi.getLong("opened")).isEqualTo(expectedOpenedOfLatestRevisions());
            assertThat(single(query, "SELECT count(threshold_ms) AS n FROM care_sla").getLong("n"))
                    .isEqualTo(slaEvents().stream().map(SlaEvent::getSlaEventId).distinct().count());
            assertThat(single(query, "SELECT count(waiting) AS n FROM care_queue").getLong("n"))
                    .isEqualTo(queueGauges().size());
        }
        assertThat(counterSum(result, ".*influxRetries")).as("failed attempts that were retried").isPositive();
        assertThat(counterSum(result, ".*numRecordsSendErrors")).isPositive();
    }

    /**
     * A checkpoint does not wait for InfluxDB: with InfluxDB down, a savepoint of a job whose sink
     * holds unwritten lines (submitted to the sender and retrying) completes at once, holds the
     * lines, and the job restored from it writes them once InfluxDB is back. Until 2026-11-30 the
     * flush before every checkpoint waited for the batches in flight, which held the task (and the
     * window stage chained to it) for as long as InfluxDB took, and this savepoint for the whole
     * outage.
     */
    @Test
    void aCheckpointStoresTheLinesInfluxDbHasNotConfirmedInsteadOfWaitingForThem(@TempDir Path dir) throws Exception {
        influx = LocalInflux.create();
        influx.start();
        influx.createDatabase(DATABASE);
        influx.stop();
        InfluxConnection connection = InfluxConnection.of(influx.url(), DATABASE);
        int records = KEYS * REVISIONS;

        JobClient down = savepointJob(environment(), connection, records).executeAsync("influx-sink-it-savepoint");
        awaitRunning(down);
        Thread.sleep(3_000); // every record reached the sink, which retries its one batch in flight
        String savepoint = down.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(30, TimeUnit.SECONDS);

        influx.start();
        Configuration conf = new Configuration();
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = environment();
        env.configure(conf);
        JobClient restored = savepointJob(env, connection, 0).executeAsync("influx-sink-it-restored");
        try (InfluxQuery query = InfluxQuery.connect(connection)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            String latest = "SELECT count(revision) AS points, min(revision) AS min_rev FROM care_kpi";
            while (System.nanoTime() < deadline && query.rows(latest).stream()
                    .noneMatch(r -> r.getLong("points") == KEYS && r.getLong("min_rev") == REVISIONS)) {
                Thread.sleep(200);
            }
            InfluxQuery.Row kpi = single(query, "SELECT count(revision) AS points, min(revision) AS min_rev, "
                    + "sum(opened) AS opened FROM care_kpi");
            assertThat(kpi.getLong("points")).isEqualTo(KEYS);
            assertThat(kpi.getLong("min_rev")).as("the latest revision of every point").isEqualTo(REVISIONS);
            assertThat(kpi.getLong("opened")).isEqualTo(expectedOpenedOfLatestRevisions());
        } finally {
            restored.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** The snapshots from a source that emits the first {@code emit} of them and then waits, never ending. */
    private static StreamExecutionEnvironment savepointJob(StreamExecutionEnvironment env, InfluxConnection connection,
            int emit) {
        List<KpiSnapshot> snapshots = snapshots();
        env.fromSource(new DataGeneratorSource<>(index -> snapshots.get((int) (index % snapshots.size())),
                                Long.MAX_VALUE, new FirstPermits(emit), TypeInformation.of(KpiSnapshot.class)),
                        WatermarkStrategy.noWatermarks(), "snapshots").uid("snapshots").setParallelism(1)
                .keyBy(s -> s.getWindow() + "|" + s.getWindowStart() + "|" + s.getChannel() + "|" + s.getAgent()
                        + "|" + s.getQueue())
                .sinkTo(InfluxSink.<KpiSnapshot>builder()
                        .setConnection(connection)
                        .setElementConverter(LineProtocolConverter.kpiSnapshots())
                        .setMaxBatchSize(1_000) // one batch in flight: the sink does not hold its task
                        .setMaxTimeInBufferMS(100)
                        .setRetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .build())
                .name("influx-care-kpi").uid("influx-care-kpi");
        return env;
    }

    /** Grants the first {@code permits} records, then none. */
    private record FirstPermits(int permits) implements RateLimiterStrategy<NumberSequenceSource.NumberSequenceSplit> {
        @Override
        public RateLimiter<NumberSequenceSource.NumberSequenceSplit> createRateLimiter(int parallelism) {
            return new RateLimiter<>() {
                private int granted;

                @Override
                public CompletionStage<Void> acquire(int n) {
                    return granted++ < permits ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
                }
            };
        }
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (job.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @Test
    void shouldFailTheJobNamingTheMissingDatabaseInsteadOfRetrying() throws Exception {
        influx = LocalInflux.started(); // no database created

        StreamExecutionEnvironment env = environment();
        buildJob(env, InfluxConnection.of(influx.url(), "no_such_db"), Duration.ofMillis(100));

        Throwable failure = catchThrowable(() -> env.execute("influx-sink-it-missing-db"));

        assertThat(failure).isNotNull();
        assertThat(causeMessages(failure)).anySatisfy(message -> assertThat(message)
                .contains("HTTP 404")
                .contains("database not found")
                .contains("no_such_db")
                .contains("create it before starting the job"));
    }

    @Test
    void shouldReportInfluxQlErrorsWithInfluxDbsMessage() {
        influx = LocalInflux.started();
        influx.createDatabase(DATABASE);

        try (InfluxQuery query = InfluxQuery.connect(InfluxConnection.of(influx.url(), DATABASE))) {
            assertThat(query.rows("SELECT * FROM care_kpi")).isEmpty();
            assertThat(catchThrowable(() -> query.rows("SELEKT nonsense")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("error parsing query")
                    .hasMessageContaining("SELEKT nonsense");
        }
    }

    // ---- the job ----------------------------------------------------------------------------

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    /**
     * Three streams into three sinks with small batches (many requests). The snapshots are keyed
     * by their point's key before the sink, so every revision of a key goes through one sink
     * subtask, in order, as the sink requires.
     */
    private static void buildJob(StreamExecutionEnvironment env, InfluxConnection connection, Duration initialBackoff) {
        env.fromData(snapshots()).name("snapshots")
                .keyBy(s -> s.getWindow() + "|" + s.getWindowStart() + "|" + s.getChannel() + "|" + s.getAgent()
                        + "|" + s.getQueue())
                .sinkTo(sink(connection, new KpiChangesConverter(), initialBackoff))
                .name("influx-care-kpi").uid("influx-care-kpi");
        env.fromData(slaEvents()).name("sla-events")
                .sinkTo(sink(connection, LineProtocolConverter.slaEvents(), initialBackoff))
                .name("influx-care-sla").uid("influx-care-sla");
        env.fromData(queueGauges()).name("queue-gauges")
                .sinkTo(sink(connection, LineProtocolConverter.queueGauges(), initialBackoff))
                .name("influx-care-queue").uid("influx-care-queue");
    }

    private static <T> InfluxSink<T> sink(InfluxConnection connection, ElementConverter<T, String> converter,
            Duration initialBackoff) {
        return InfluxSink.<T>builder()
                .setConnection(connection)
                .setElementConverter(converter)
                .setMaxBatchSize(40)
                .setMaxBufferedRequests(400)
                .setMaxTimeInBufferMS(100)
                .setRetryBackoff(initialBackoff, Duration.ofSeconds(1))
                .build();
    }

    // ---- the data ---------------------------------------------------------------------------

    /** KEYS snapshot keys, each in REVISIONS revisions (the last final for even keys): all first revisions, then all second, ... */
    private static List<KpiSnapshot> snapshots() {
        List<KpiSnapshot> out = new ArrayList<>();
        for (int revision = 1; revision <= REVISIONS; revision++) {
            for (int k = 0; k < KEYS; k++) {
                out.add(KpiSnapshot.newBuilder()
                        .setWindow(k % 2 == 0 ? "1h" : "1m")
                        .setWindowStart(windowStart(k))
                        .setWindowEnd(windowStart(k).plusSeconds(60))
                        .setChannel(CHANNELS.get(k % CHANNELS.size()))
                        .setAgent(k % 3 == 0 ? "all" : "agent " + k)
                        .setQueue(k % 5 == 0 ? "vip lounge, tier=1" : "all")
                        .setRevision(revision)
                        .setIsFinal(revision == REVISIONS && k % 2 == 0)
                        .setOpened(opened(k, revision))
                        .setFirstResponses(revision)
                        .setFrtSumMs(2_001L * revision)
                        .setFrtP50Ms(revision == 1 ? null : 900L)
                        .setAvgFrtMs(1_000.5 * revision)
                        .build());
            }
        }
        return out;
    }

    private static Instant windowStart(int key) {
        return BASE.plusSeconds(60L * key); // one window start per key: KEYS distinct points
    }

    private static long opened(int key, int revision) {
        return 1_000L * revision + key;
    }

    private static long expectedOpenedOfLatestRevisions() {
        long sum = 0;
        for (int k = 0; k < KEYS; k++) {
            sum += opened(k, REVISIONS);
        }
        return sum;
    }

    private static final Instant SAME_MS = BASE.plusMillis(123_456);

    /** 40 distinct events, two of them twins (same tags, same ms), and one event sent twice. */
    private static List<SlaEvent> slaEvents() {
        List<SlaEvent> out = new ArrayList<>();
        for (int i = 0; i < 38; i++) {
            out.add(sla("conv-" + i, SlaClock.values()[i % 3], i % 2 == 0 ? SlaStatus.BREACHED : SlaStatus.WARNING,
                    i % 4 == 0 ? null : "agent-" + (i % 7), BASE.plusSeconds(i)));
        }
        out.add(sla("twin-a", SlaClock.FIRST_RESPONSE, SlaStatus.BREACHED, "agent-1", SAME_MS));
        out.add(sla("twin-b", SlaClock.FIRST_RESPONSE, SlaStatus.BREACHED, "agent-1", SAME_MS));
        out.add(SlaEvent.newBuilder(out.get(5)).build()); // a duplicate: same point again
        return out;
    }

    private static SlaEvent sla(String conversation, SlaClock clock, SlaStatus status, String agent, Instant at) {
        return SlaEvent.newBuilder()
                .setSlaEventId(conversation + ":" + clock + ":1:" + status)
                .setConversationId(conversation)
                .setChannel(Channel.WHATSAPP)
                .setQueue("billing")
                .setAgentId(agent)
                .setClock(clock)
                .setStatus(status)
                .setThresholdMs(60_000)
                .setStartedAt(at.minusSeconds(60))
                .setDeadline(at)
                .setEmittedFor(at)
                .setOverrunMs(0)
                .build();
    }

    private static List<QueueGauge> queueGauges() {
        List<QueueGauge> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(QueueGauge.newBuilder().setChannel(i % 2 == 0 ? "VOICE" : "SMS").setQueue(i % 3 == 0 ? "all" : "billing")
                    .setWaiting(i).setOldestWaitMs(1_000L * i).setAsOf(BASE.plusSeconds(5L * i)).build());
        }
        return out;
    }

    // ---- reading back -----------------------------------------------------------------------

    private static InfluxQuery.Row single(InfluxQuery query, String influxQl) {
        List<InfluxQuery.Row> rows = query.rows(influxQl);
        assertThat(rows).as(influxQl).hasSize(1);
        return rows.get(0);
    }

    private static Set<String> tagValues(InfluxQuery query, String measurement, String key) {
        return query.rows("SHOW TAG VALUES FROM " + measurement + " WITH KEY = \"" + key + "\"").stream()
                .map(r -> r.getString("value")).collect(Collectors.toSet());
    }

    private static Map<String, Set<String>> tagKeys(InfluxQuery query) {
        return query.rows("SHOW TAG KEYS").stream().collect(Collectors.groupingBy(InfluxQuery.Row::series,
                Collectors.mapping(r -> r.getString("tagKey"), Collectors.toSet())));
    }

    private static Set<String> fieldKeys(InfluxQuery query, String measurement) {
        return query.rows("SHOW FIELD KEYS FROM " + measurement).stream().map(r -> r.getString("fieldKey"))
                .collect(Collectors.toSet());
    }

    private static long counterSum(JobExecutionResult result, String pattern) {
        long sum = 0;
        for (Metric m : METRICS.findMetrics(result.getJobID(), pattern).values()) {
            if (m instanceof Counter c) {
                sum += c.getCount();
            }
        }
        return sum;
    }

    private static List<String> causeMessages(Throwable t) {
        List<String> messages = new ArrayList<>();
        for (Throwable c = t; c != null && messages.size() < 50; c = c.getCause()) {
            messages.add(String.valueOf(c.getMessage()));
        }
        return messages;
    }
}
