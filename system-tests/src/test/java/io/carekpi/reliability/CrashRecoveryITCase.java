package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.jobs.LiveJob;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.PipelineFixture;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 6, the shipped at-least-once delivery: a task failure between two checkpoints, after
 * many KPI revisions no checkpoint covers were written, leaves a consumer that keeps the highest
 * revision per key with the replay's values. (Process kills, JobManager failover, broker crashes
 * and Kafka transactions on a real cluster: ClusterFaultsITCase.)
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrashRecoveryITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    @TempDir static Path dir;
    private static PipelineFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = PipelineFixture.startShipped(dir, 800, 11, List.of());
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
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
}
