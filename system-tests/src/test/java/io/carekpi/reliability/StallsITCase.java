package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.influx.InfluxQuery;
import io.carekpi.jobs.InfluxOutputs;
import io.carekpi.testing.InfluxChecks;
import io.carekpi.testing.LocalInflux;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.jobs.LiveJob;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.PipelineFixture;
import io.carekpi.testing.RealTimeTraffic;
import io.carekpi.testing.Repository;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stalls of the pipeline with the shipped {@code outOfOrderness} (500 ms) and traffic produced as
 * it happens: while the job cannot read (backpressured by a held task), the watermark must not run ahead of the events still to be read, so nothing produced
 * on time goes to the late output, and every output equals the replay of what was produced. The
 * job is stopped with a drained savepoint, which fires every window and timer as a replay's end does.
 */
@Timeout(value = 7, unit = TimeUnit.MINUTES)
class StallsITCase {
    private static final int PER_SECOND = 150;

    /** Small network buffers, so that a held downstream task backpressures the source within a second or two. */
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(smallBuffers()).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static Configuration smallBuffers() {
        Configuration c = new Configuration();
        c.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse("4kb"));
        return c;
    }

    @TempDir Path dir;

    /** What a test does to the running pipeline while traffic flows (from 4 s after the job started). */
    private interface Stall {
        void during(Pipeline pipeline) throws Exception;
    }

    @Test
    void backpressureFromATaskHeldForEightSecondsMakesNothingLate() throws Exception {
        run(PER_SECOND * 6L, false, pipeline -> Thread.sleep(16_000));
        assertThat(FaultInjection.PauseOnce.PAUSED).as("the pause was injected").isTrue();
    }

    /**
     * The job stopped with a savepoint (not drained) and started again from it 45 s later, while
     * traffic kept coming: it reads 45 s of backlog, whose events are older than the wall clock by up
     * to 45 s (90 times the shipped outOfOrderness), and none of them is late.
     */
    @Test
    void aRestartAfter45SecondsDownMakesNothingLate() throws Exception {
        run(Long.MAX_VALUE, false, pipeline -> {
            Thread.sleep(6_000);
            String savepoint = pipeline.job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
            long readBefore = FaultInjection.Count.SEEN.get();
            Thread.sleep(45_000);
            pipeline.start(savepoint);
            Thread.sleep(10_000);
            assertThat(FaultInjection.Count.SEEN.get() - readBefore).as("the restored job reads on from the "
                    + "savepoint's offsets: not from the start").isLessThan(readBefore + PER_SECOND * 55L);
        });
        assertThat(FaultInjection.Count.SEEN.get()).as("nothing read twice: the restore resumed at the savepoint")
                .isEqualTo(sentCount);
    }

    /**
     * The broker stopped for 10 s while the producer buffers what happens meanwhile and delivers it
     * when the broker is back: the watermark must not have followed the wall clock past the last
     * instant the input was known read to its end.
     */
    @Test
    void aBrokerStoppedForTenSecondsWhileProducersBufferMakesNothingLate() throws Exception {
        run(Long.MAX_VALUE, false, pipeline -> {
            Thread.sleep(3_000);
            pipeline.broker.close();
            Thread.sleep(10_000);
            pipeline.broker = LocalKafkaBroker.start(dir.resolve("kafka"));
            Thread.sleep(10_000);
        });
    }

    /**
     * InfluxDB stopped for 30 s under load: the InfluxDB sinks retry, the checkpoints wait for their
     * flush, the job stalls (backpressure up to the source) while events keep coming. Nothing is
     * late, and once InfluxDB is back it holds every row of every window size and every SLA event of
     * the replay.
     */
    @Test
    void anInfluxOutageOfThirtySecondsMakesNothingLate() throws Exception {
        run(Long.MAX_VALUE, true, pipeline -> {
            Thread.sleep(3_000);
            pipeline.influx.stop();
            Thread.sleep(30_000);
            assertThat(pipeline.job.getJobStatus().get().isGloballyTerminalState())
                    .as("the job waits for InfluxDB").isFalse();
            pipeline.influx.start();
        });
    }

    /** Records of a partition stamped earlier than one before them in it (by more than the bound). */
    private static List<String> disorder(String bootstrap, String topic) throws Exception {
        java.util.Map<Integer, Long> max = new java.util.HashMap<>();
        List<String> out = new java.util.ArrayList<>();
        for (var r : KafkaTopics.readAll(bootstrap, topic)) {
            InteractionEvent e = io.carekpi.io.EventAvro.decode(r.value());
            long t = e.getOccurredAt().toEpochMilli();
            Long m = max.get(r.partition());
            if (m != null && t < m - 500) {
                out.add(r.partition() + "@" + r.offset() + " " + e.getEventId() + " " + (m - t) + " ms behind");
            }
            max.merge(r.partition(), t, Math::max);
        }
        return out;
    }

    private long sentCount;

    /** The live job as shipped (500 ms bound), counting what it reads, on the test's broker. */
    private final class Pipeline {
        final EngineConfig config;
        final KafkaSettings kafka;
        final long pauseAfter;
        final LocalInflux influx;
        LocalKafkaBroker broker;
        JobClient job;

        Pipeline(LocalKafkaBroker broker, EngineConfig config, KafkaSettings kafka, long pauseAfter, LocalInflux influx) {
            this.broker = broker;
            this.config = config;
            this.kafka = kafka;
            this.pauseAfter = pauseAfter;
            this.influx = influx;
        }

        /** Starts the job, from a savepoint unless null. */
        void start(String savepoint) throws Exception {
            Configuration conf = new Configuration();
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 30);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
            if (savepoint != null) {
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            env.enableCheckpointing(1000);
            // The pause is in a task of its own (after a rebalance): the source task stays alive and
            // backpressured, its timers (the periodic watermark) run while it cannot read.
            var outputs = LiveJob.build(env, config, kafka, false, raw -> raw
                    .map(new FaultInjection.Count()).name("count")
                    .rebalance()
                    .map(new FaultInjection.PauseOnce(pauseAfter, 8_000)).name("pause"));
            if (influx != null) {
                InfluxOutputs.attach(outputs, new InfluxOutputs.Settings(InfluxConnection.of(influx.url(), "carekpi")));
            }
            job = env.executeAsync("stall");
        }
    }

    private void run(long pauseAfter, boolean withInflux, Stall stall) throws Exception {
        EngineConfig config = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        assertThat(config.outOfOrderness).as("the shipped bound").isEqualTo(Duration.ofMillis(500));
        FaultInjection.PauseOnce.PAUSED.set(false);
        FaultInjection.Count.SEEN.set(0);
        LocalInflux influx = withInflux ? LocalInflux.started() : null;
        Pipeline pipeline = null;
        try {
            LocalKafkaBroker started = LocalKafkaBroker.start(dir.resolve("kafka"));
            KafkaSettings kafka = KafkaSettings.defaults(started.bootstrapServers());
            pipeline = new Pipeline(started, config, kafka, pauseAfter, influx);
            started.createCareTopics(kafka);
            if (influx != null) {
                influx.createDatabase("carekpi");
            }
            pipeline.start(null);

            List<InteractionEvent> sent;
            try (RealTimeTraffic traffic = RealTimeTraffic.start(started.bootstrapServers(), kafka.eventsTopic(),
                    PER_SECOND, 7)) {
                Thread.sleep(4_000);
                stall.during(pipeline);
                sent = traffic.stop();
            }
            sentCount = sent.size();
            LocalKafkaBroker broker = pipeline.broker;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (FaultInjection.Count.SEEN.get() < sent.size() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(FaultInjection.Count.SEEN.get()).as("every event sent was read").isGreaterThanOrEqualTo(sent.size());
            pipeline.job.stopWithSavepoint(true, dir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
            pipeline.job.getJobExecutionResult().get(1, TimeUnit.MINUTES);

            PipelineFixture expected = PipelineFixture.of(dir, config, broker, sent);
            List<String> deadLetters = KafkaTopics.readAll(broker.bootstrapServers(), kafka.dlqTopic()).stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8) + " ("
                            + new String(r.headers().lastHeader("carekpi.reason").value(), StandardCharsets.UTF_8)
                            + ", written " + r.timestamp() + ")")
                    .toList();
            assertThat(deadLetters).as("dead letters (late events) of %d sent, the first: %s; out of order in "
                            + "their partition: %s", sent.size(), deadLetters.stream().limit(3).toList(),
                    disorder(broker.bootstrapServers(), kafka.eventsTopic())).isEmpty();
            expected.assertOutputsEqualReplay(kafka);
            if (influx != null) {
                try (InfluxQuery q = InfluxQuery.connect(InfluxConnection.of(influx.url(), "carekpi"))) {
                    InfluxChecks.assertAllRowsEqualReplay(q, expected.expectedKpis);
                    InfluxChecks.assertSlaPointsEqualReplay(q, expected.expectedSla);
                }
            }
        } finally {
            if (pipeline != null) {
                pipeline.broker.close();
            }
            if (influx != null) {
                influx.close();
            }
        }
    }
}
