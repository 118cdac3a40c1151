package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.influx.InfluxQuery;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.events.Decoded;
import io.carekpi.jobs.InfluxOutputs;
import io.carekpi.jobs.LiveJob;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.QueueGauge;
import io.carekpi.testing.FaultProxy;
import io.carekpi.testing.FaultProxy.Fault;
import io.carekpi.testing.InfluxChecks;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.LocalInflux;
import io.carekpi.testing.PipelineFixture;
import io.carekpi.testing.RealTimeTraffic;
import io.carekpi.testing.Repository;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and failing services (issue #16): a {@link FaultProxy} between the live job and a real
 * InfluxDB, or a real Kafka broker, adds latency, resets connections, answers 503, stalls in the
 * middle of a response and cuts requests and responses part way, a few seconds each, while traffic
 * is produced as it happens (straight to the broker). The job, as shipped ({@code outOfOrderness}
 * 500 ms, InfluxDB buffer and retries), slows down and retries; once the faults are over and it
 * has read everything it is stopped with a drained savepoint, which fires every window and timer
 * as a replay's end does. Nothing may be late, lost or doubled: every Kafka output equals the
 * replay of what was produced, and InfluxDB, read directly, holds every row of every window size
 * and every SLA point of it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlowServicesITCase {
    private static final int PER_SECOND = 150;
    /** How long each fault lasts. */
    private static final long FAULT_MILLIS = 4_000;

    /** Every metric of every job, kept after the job ends: the InfluxDB sinks count their retries. */
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    /** One TaskManager with two slots, as {@code MiniClusters.twoSlots()}, reporting to {@link #METRICS}. */
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir Path dir;

    /**
     * InfluxDB behind the proxy. A cut response to a {@code /write} that InfluxDB had already
     * applied makes the sink write those points again (as does a stall or a reset after the request
     * went through): that is harmless, because every CareKPI point is an idempotent overwrite (same
     * series and timestamp, same fields), so the stored content is the replay's all the same. A cut
     * request never reaches the database whole, so InfluxDB rejects it and the sink sends it again.
     */
    @Test
    void influxDbSlowResettingAnswering503StallingAndCuttingLosesNothing() throws Exception {
        List<Fault> faults = List.of(Fault.latency(50), Fault.reset(), Fault.http503(2), Fault.stall(3_000),
                Fault.cutResponse(20), Fault.cutRequest(100));
        try (LocalInflux influx = LocalInflux.started();
             FaultProxy proxy = FaultProxy.http("127.0.0.1", influx.httpPort());
             LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            influx.createDatabase("carekpi");
            KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers());
            Run run = run(broker, kafka, InfluxConnection.of(proxy.url(), "carekpi"), proxy, faults);

            for (Fault f : faults) {
                assertThat(proxy.injected(f.kind())).as("%s injected (%s)", f, proxy.counters()).isPositive();
            }
            assertThat(ReadTo.STARTS.get()).as("the job never failed: the sinks retried instead").isEqualTo(2);
            // Each 503 fails one request of a sink (OkHttp does not retry an answer), which the sink
            // then retries; resets and cuts add the requests OkHttp did not retry on its own.
            long retries = sum(run.job, "influxRetries");
            assertThat(retries).as("InfluxDB sink retries (proxy %s)", proxy.counters())
                    .isGreaterThanOrEqualTo(proxy.injected(FaultProxy.Kind.HTTP_503));
            try (InfluxQuery q = InfluxQuery.connect(InfluxConnection.of(influx.url(), "carekpi"))) {
                InfluxChecks.assertAllRowsEqualReplay(q, run.expected.expectedKpis);
                InfluxChecks.assertSlaPointsEqualReplay(q, run.expected.expectedSla);
                assertQueueGaugesWritten(q, broker, kafka);
            }
        }
    }

    /**
     * The broker behind the proxy, for every connection of the job (source, end-offset poller,
     * exactly-once sinks, transaction commits): a proxy in front of a plain broker would carry only
     * the first metadata request, since the broker tells its clients its own address; this one
     * advertises the proxy's ({@link LocalKafkaBroker#startProxied}). The traffic and the test's
     * readers talk to the broker directly.
     */
    @Test
    void kafkaSlowResettingStallingAndCuttingLosesAndDoublesNothing() throws Exception {
        List<Fault> faults = List.of(Fault.latency(50), Fault.reset(), Fault.stall(3_000), Fault.cutResponse(20),
                Fault.cutRequest(20));
        int listener = LocalKafkaBroker.freePort();
        try (FaultProxy proxy = FaultProxy.tcp("127.0.0.1", listener);
             LocalKafkaBroker broker = LocalKafkaBroker.startProxied(dir.resolve("kafka"), listener, proxy.port())) {
            run(broker, KafkaSettings.defaults(proxy.address()), null, proxy, faults);

            // Stalls and cuts of responses happen only on connections that carry requests after the
            // first metadata: were the proxy bypassed, they would not have happened.
            for (Fault f : faults) {
                assertThat(proxy.injected(f.kind())).as("%s injected (%s)", f, proxy.counters()).isPositive();
            }
            // The Kafka clients reconnect and retry on their own: seconds of a bad network must not
            // fail the job (a restart from the checkpoint would lose nothing either, but is an outage).
            assertThat(ReadTo.STARTS.get()).as("the job never failed: the Kafka clients retried").isEqualTo(2);
        }
    }

    /**
     * Runs the live job as shipped, reading and writing Kafka as {@code jobKafka} says and, unless
     * null, writing to InfluxDB at {@code influx}, while traffic goes straight to {@code broker};
     * from 4 s on sets each fault on {@code proxy} for {@link #FAULT_MILLIS}, then none. Once the
     * job has read every event produced it is stopped drained; nothing may have been late, and every
     * Kafka output must equal the replay. Returns the job's id and the replay, for the InfluxDB checks.
     */
    private Run run(LocalKafkaBroker broker, KafkaSettings jobKafka, InfluxConnection influx, FaultProxy proxy,
                    List<Fault> faults) throws Exception {
        EngineConfig config = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        assertThat(config.outOfOrderness).as("the shipped bound").isEqualTo(Duration.ofMillis(500));
        KafkaSettings direct = KafkaSettings.defaults(broker.bootstrapServers());
        broker.createCareTopics(direct);
        ReadTo.HIGHEST.clear();
        ReadTo.STARTS.set(0);

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 30);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(1000);
        var outputs = LiveJob.build(env, config, jobKafka, false, raw -> raw.map(new ReadTo()).name("read to"));
        if (influx != null) {
            InfluxOutputs.attach(outputs, new InfluxOutputs.Settings(influx));
        }
        JobClient job = env.executeAsync("slow services");

        List<InteractionEvent> sent;
        try (RealTimeTraffic traffic = RealTimeTraffic.start(broker.bootstrapServers(), direct.eventsTopic(),
                PER_SECOND, 16)) {
            Thread.sleep(4_000);
            for (Fault f : faults) {
                proxy.set(f);
                Thread.sleep(FAULT_MILLIS);
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job runs on during %s", f)
                        .isFalse();
            }
            proxy.set(Fault.NONE);
            Thread.sleep(3_000);
            sent = traffic.stop();
        }
        awaitReadToEnd(broker, direct.eventsTopic(), Duration.ofSeconds(90));
        job.stopWithSavepoint(true, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);

        PipelineFixture expected = PipelineFixture.of(dir, config, broker, sent);
        List<String> deadLetters = KafkaTopics.readAll(broker.bootstrapServers(), direct.dlqTopic()).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8) + " ("
                        + new String(r.headers().lastHeader("carekpi.reason").value(), StandardCharsets.UTF_8) + ")")
                .toList();
        assertThat(deadLetters).as("dead letters (late events) of %d sent, the first: %s; task starts %d; proxy %s",
                sent.size(), deadLetters.stream().limit(3).toList(), ReadTo.STARTS.get(), proxy.counters())
                .isEmpty();
        expected.assertOutputsEqualReplay(direct);
        return new Run(job.getJobID(), expected);
    }

    /** The job that ran and the replay its outputs equal. */
    private record Run(JobID job, PipelineFixture expected) {}

    /** The sum of a counter over every operator of the job that has it (every subtask of every sink). */
    private static long sum(JobID job, String counter) {
        var counters = METRICS.findMetrics(job, ".*\\." + counter);
        assertThat(counters).as("counters %s of the job", counter).isNotEmpty();
        return counters.values().stream().mapToLong(m -> ((Counter) m).getCount()).sum();
    }

    /** Waits until the job has read every partition of {@code topic} to its end offset now. */
    private static void awaitReadToEnd(LocalKafkaBroker broker, String topic, Duration timeout) throws Exception {
        Map<Integer, Long> ends = new TreeMap<>();
        try (Admin admin = broker.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
        }
        long until = System.nanoTime() + timeout.toNanos();
        while (!readToEnd(ends) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(readToEnd(ends)).as("every event produced was read: ends %s, read to %s", ends, ReadTo.HIGHEST)
                .isTrue();
    }

    private static boolean readToEnd(Map<Integer, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                || ReadTo.HIGHEST.getOrDefault(e.getKey(), -1L) >= e.getValue() - 1);
    }

    /**
     * Every queue gauge committed to Kafka's {@code care.queue} is a {@code care_queue} point in
     * InfluxDB, at its series (channel, queue) and time, with its values.
     */
    private static void assertQueueGaugesWritten(InfluxQuery q, LocalKafkaBroker broker, KafkaSettings kafka)
            throws Exception {
        Map<String, String> expected = new TreeMap<>();
        for (var r : KafkaTopics.readAll(broker.bootstrapServers(), kafka.queueTopic())) {
            QueueGauge g = QueueGauge.getDecoder().decode(r.value());
            expected.put(g.getChannel() + "|" + g.getQueue() + "|" + g.getAsOf(),
                    g.getWaiting() + " waiting, oldest " + g.getOldestWaitMs() + " ms");
        }
        Map<String, String> actual = q.rows("SELECT * FROM care_queue GROUP BY *").stream().collect(Collectors.toMap(
                r -> tag(r, "channel") + "|" + tag(r, "queue") + "|" + r.time(),
                r -> r.getLong("waiting") + " waiting, oldest " + r.getLong("oldest_wait_ms") + " ms"));
        assertThat(expected).as("gauges committed to care.queue").isNotEmpty();
        List<String> missing = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                missing.add(k + ": " + v + " in Kafka, " + actual.get(k) + " in InfluxDB");
            }
        });
        assertThat(missing).as("care.queue gauges (%d) not in care_queue (%d points) as in Kafka", expected.size(),
                actual.size()).isEmpty();
    }

    private static String tag(InfluxQuery.Row r, String name) {
        String v = r.tags().get(name);
        return v == null ? "" : v;
    }

    /**
     * Records the highest offset the job has read from each partition, and counts the starts of its
     * tasks: more than the parallelism means the job failed and was restarted (one JVM: static state).
     */
    static final class ReadTo extends RichMapFunction<Decoded, Decoded> {
        static final Map<Integer, Long> HIGHEST = new ConcurrentHashMap<>();
        static final AtomicInteger STARTS = new AtomicInteger();

        @Override
        public void open(OpenContext context) {
            STARTS.incrementAndGet();
        }

        @Override
        public Decoded map(Decoded r) {
            if (r.partition() != Decoded.NO_PARTITION) {
                HIGHEST.merge(r.partition(), r.seq(), Math::max);
            }
            return r;
        }
    }
}
