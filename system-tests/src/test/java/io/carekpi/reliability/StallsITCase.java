package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
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
@Timeout(value = 6, unit = TimeUnit.MINUTES)
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

    private interface Stall {
        void during(LocalKafkaBroker[] broker) throws Exception;
    }

    // Not yet here: the broker stopped for 10 s while producers buffer; tried on 2026-11-30, a few
    // events still came after the watermark, see docs/operations.md ("Watermarks and stalls").

    @Test
    void backpressureFromATaskHeldForEightSecondsMakesNothingLate() throws Exception {
        FaultInjection.PauseOnce.PAUSED.set(false);
        run(PER_SECOND * 6L, broker -> Thread.sleep(16_000));
        assertThat(FaultInjection.PauseOnce.PAUSED).as("the pause was injected").isTrue();
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

    private void run(long pauseAfter, Stall stall) throws Exception {
        EngineConfig config = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        assertThat(config.outOfOrderness).as("the shipped bound").isEqualTo(Duration.ofMillis(500));
        LocalKafkaBroker[] broker = {LocalKafkaBroker.start(dir.resolve("kafka"))};
        try {
            KafkaSettings kafka = KafkaSettings.defaults(broker[0].bootstrapServers());
            broker[0].createCareTopics(kafka);
            Configuration conf = new Configuration();
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 30);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            env.enableCheckpointing(1000);
            FaultInjection.Count.SEEN.set(0);
            // The pause is in a task of its own (after a rebalance): the source task stays alive and
            // backpressured, its timers (the periodic watermark) run while it cannot read.
            LiveJob.build(env, config, kafka, false, raw -> raw
                    .map(new FaultInjection.Count()).name("count")
                    .rebalance()
                    .map(new FaultInjection.PauseOnce(pauseAfter, 8_000)).name("pause"));
            JobClient job = env.executeAsync("stall");

            List<InteractionEvent> sent;
            try (RealTimeTraffic traffic = RealTimeTraffic.start(broker[0].bootstrapServers(), kafka.eventsTopic(),
                    PER_SECOND, 7)) {
                Thread.sleep(4_000);
                stall.during(broker);
                sent = traffic.stop();
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (FaultInjection.Count.SEEN.get() < sent.size() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(FaultInjection.Count.SEEN.get()).as("every event sent was read").isGreaterThanOrEqualTo(sent.size());
            job.stopWithSavepoint(true, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
            job.getJobExecutionResult().get(1, TimeUnit.MINUTES);

            PipelineFixture expected = PipelineFixture.of(dir, config, broker[0], sent);
            List<String> deadLetters = KafkaTopics.readAll(broker[0].bootstrapServers(), kafka.dlqTopic()).stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8) + " ("
                            + new String(r.headers().lastHeader("carekpi.reason").value(), StandardCharsets.UTF_8)
                            + ", written " + r.timestamp() + ")")
                    .toList();
            assertThat(deadLetters).as("dead letters (late events) of %d sent, the first: %s; out of order in "
                            + "their partition: %s", sent.size(), deadLetters.stream().limit(3).toList(),
                    disorder(broker[0].bootstrapServers(), kafka.eventsTopic())).isEmpty();
            expected.assertOutputsEqualReplay(kafka);
        } finally {
            broker[0].close();
        }
    }
}
