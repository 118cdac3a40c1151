package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.jobs.LiveJob;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.PipelineFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 6: after a task failure mid-stream and a restart from the last checkpoint, and
 * after a Kafka broker restart mid-run, the outputs equal those of the replay — nothing lost,
 * nothing counted twice.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrashRecoveryITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    @TempDir static Path dir;
    private static PipelineFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = PipelineFixture.start(dir, 800, 11);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static StreamExecutionEnvironment env(Configuration extra) {
        return env(extra, 300);
    }

    private static StreamExecutionEnvironment env(Configuration extra, long checkpointIntervalMs) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 30);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(checkpointIntervalMs);
        return env;
    }

    @Test
    void aTaskFailureMidStreamRestartsFromTheLastCheckpointWithoutLossOrDuplicates() throws Exception {
        KafkaSettings run = fixture.newRun();
        FaultInjection.FailOnce.reset();
        StreamExecutionEnvironment env = env(new Configuration());
        long half = fixture.arrivals.size() / 2;
        LiveJob.build(env, fixture.config, run, true, raw -> raw
                .map(new FaultInjection.Throttle(2_000)).name("throttle")
                .map(new FaultInjection.FailOnce(half)).name("fail once"));
        env.execute("crash mid-stream");
        assertThat(FaultInjection.FailOnce.FAILED).as("the failure was injected").isTrue();
        fixture.assertOutputsEqualReplay(run);
    }

    /**
     * At-least-once Kafka sinks (the shipped default): a task killed between two checkpoints, after
     * it wrote the outputs of 600 records no checkpoint covers (early firing every 50 ms, so many
     * KPI revisions), restarts from the last checkpoint and writes them again, catching up at full
     * speed. A consumer keeping the highest revision per snapshot key and de-duplicating SLA events
     * by id ends with the replay's values: revisions after the restore outrank the ones written
     * before the crash (they restarted from the checkpoint's counts before, and the consumer kept
     * pre-crash snapshots).
     */
    @Test
    void aKillBetweenCheckpointsWithAtLeastOnceSinksLeavesTheReplayValuesToAConsumerKeepingTheHighestRevision()
            throws Exception {
        KafkaSettings run = fixture.newRun().withGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        FaultInjection.FailBetweenCheckpoints.reset();
        StreamExecutionEnvironment env = env(new Configuration(), 2_000);
        EngineConfig.Builder config = fixture.config.toBuilder();
        config.earlyFiringInterval = Duration.ofMillis(50);
        long threeQuarters = fixture.arrivals.size() * 3L / 4;
        LiveJob.build(env, config.build(), run, true, raw -> raw
                .map(new FaultInjection.Throttle(500, true)).name("throttle until the failure")
                .map(new FaultInjection.FailBetweenCheckpoints(threeQuarters, 600)).name("fail between checkpoints"));
        env.execute("kill between checkpoints, at-least-once");
        assertThat(FaultInjection.FailBetweenCheckpoints.FAILED).as("the failure was injected").isTrue();
        fixture.assertDeduplicatedOutputsEqualReplay(run);
    }

    @Test
    void aKafkaBrokerRestartMidRunRecoversByItselfWithoutLossOrDuplicates() throws Exception {
        KafkaSettings run = fixture.newRun();
        StreamExecutionEnvironment env = env(new Configuration());
        FaultInjection.Count.SEEN.set(0);
        LiveJob.build(env, fixture.config, run, true, raw -> raw
                .map(new FaultInjection.Throttle(500)).name("throttle")
                .map(new FaultInjection.Count()).name("count"));
        JobClient job = env.executeAsync("broker restart mid-run");
        long quarter = fixture.arrivals.size() / 4;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (FaultInjection.Count.SEEN.get() < quarter && System.nanoTime() < deadline
                && !job.getJobStatus().get().isGloballyTerminalState()) {
            Thread.sleep(50);
        }
        assertThat(job.getJobStatus().get()).as("still running when the broker stops, a quarter of the input read")
                .isEqualTo(JobStatus.RUNNING);
        fixture.broker.close();
        Thread.sleep(10_000);
        PipelineFixture.restartBroker(fixture);
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        fixture.assertOutputsEqualReplay(run);
    }
}
