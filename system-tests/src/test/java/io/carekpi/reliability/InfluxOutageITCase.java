package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.influx.InfluxQuery;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.jobs.InfluxOutputs;
import io.carekpi.jobs.LiveJob;
import io.carekpi.testing.InfluxChecks;
import io.carekpi.testing.LocalInflux;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.PipelineFixture;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * InfluxDB stopped for 60 s while the job writes to it: the sink backs off and retries, the job
 * holds (backpressure, checkpoints wait for the sink to take input again), nothing is lost, and the stored totals
 * equal the replay once InfluxDB is back.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class InfluxOutageITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    @TempDir Path dir;

    @Test
    void aSixtySecondInfluxOutageLosesNothing() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.start(dir, 600, 5);
             LocalInflux influx = LocalInflux.started()) {
            influx.createDatabase("carekpi");
            KafkaSettings run = fixture.newRun();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(1000);
            InfluxConnection connection = InfluxConnection.of(influx.url(), "carekpi");
            var outputs = LiveJob.build(env, fixture.config, run, true,
                    raw -> raw.map(new FaultInjection.Throttle(1_000)).name("throttle"));
            InfluxOutputs.attach(outputs, new InfluxOutputs.Settings(connection));
            JobClient job = env.executeAsync("influx outage");
            Thread.sleep(3_000);
            influx.stop();
            Thread.sleep(60_000);
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // shows the failure, if it failed
            }
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job waits for InfluxDB: %s",
                    job.getJobStatus().get()).isFalse();
            influx.start();
            job.getJobExecutionResult().get(4, TimeUnit.MINUTES);

            fixture.assertOutputsEqualReplay(run);
            try (InfluxQuery q = InfluxQuery.connect(connection)) {
                InfluxChecks.assertDayRowsEqualReplay(q, fixture.expectedKpis);
            }
        }
    }
}
