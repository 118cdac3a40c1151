package io.carekpi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.tools.broker.LocalKafkaBroker;
import io.carekpi.jobs.InfluxOutputs;
import io.carekpi.jobs.LiveJob;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.tools.sim.DeliveryOptions;
import io.carekpi.tools.sim.SimulationConfig;
import io.carekpi.tools.sim.TrafficSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A simulated day produced to a fresh real Kafka broker, the live job run over it (bounded, with
 * checkpoints, exactly-once Kafka sinks and its InfluxDB outputs to a real InfluxDB), and the
 * replay of the same events: what the end-to-end and dashboard tests compare.
 */
public final class LivePipelineRun implements AutoCloseable {
    public final LocalKafkaBroker broker;
    public final LocalInflux influx;
    public final InfluxConnection connection;
    public final List<InteractionEvent> arrivals;
    public final Path replayDir;
    public final Map<String, JsonNode> expectedKpis;
    public final Instant started;
    public final Instant finished;

    private LivePipelineRun(LocalKafkaBroker broker, LocalInflux influx, InfluxConnection connection,
                            List<InteractionEvent> arrivals, Path replayDir, Instant started, Instant finished)
            throws Exception {
        this.broker = broker;
        this.influx = influx;
        this.connection = connection;
        this.arrivals = arrivals;
        this.replayDir = replayDir;
        this.expectedKpis = KpiComparison.replayKpis(replayDir);
        this.started = started;
        this.finished = finished;
    }

    /** The engine configuration of the tests: the shipped one, with a disorder bound no stall can beat. */
    public static EngineConfig testConfig() throws Exception {
        EngineConfig.Builder b = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml")).toBuilder();
        // Far above the generated disorder (5 s) and any stall of a loaded machine (while an input
        // stalls, its watermark advances with the wall clock); in a bounded run the final values do
        // not depend on it.
        b.outOfOrderness = Duration.ofMinutes(10);
        return b.build();
    }

    /** One simulated day in arrival order: 5 s of disorder, 1 % duplicates. */
    public static List<InteractionEvent> simulatedDay(LocalDate day, int conversations, long seed) {
        return simulatedDay(day, conversations, seed, Duration.ofSeconds(5));
    }

    /**
     * One simulated day in arrival order, events up to {@code disorder} out of order, 1 %
     * duplicates: with a disorder within the shipped {@code outOfOrderness} (500 ms), no event of
     * it is late, in a live run as in its replay.
     */
    public static List<InteractionEvent> simulatedDay(LocalDate day, int conversations, long seed, Duration disorder) {
        return TrafficSimulator.simulate(SimulationConfig.builder().seed(seed).firstDay(day)
                        .conversationsPerDay(conversations).build())
                .deliver(new DeliveryOptions(seed, disorder, 0.01, 0)).arrivals();
    }

    /**
     * One simulated day with the timelines of real sources ({@code realWorldTimelines}: reopens and
     * surveys days later, surveys of conversations never seen, re-deliveries hours later, conflicting
     * copies) in arrival order: 5 s of disorder, 1 % duplicates. Not {@link #simulatedDay}, which the
     * kept upgrade savepoint needs unchanged.
     */
    public static List<InteractionEvent> simulatedDayWithTimelines(LocalDate day, int conversations, long seed) {
        return TrafficSimulator.simulate(SimulationConfig.builder().seed(seed).firstDay(day)
                        .conversationsPerDay(conversations).realWorldTimelines(true).build())
                .deliver(new DeliveryOptions(seed, Duration.ofSeconds(5), 0.01, 0)).arrivals();
    }

    /** Runs the day through the live job and replays it; {@code dir} holds the broker and the replay. */
    public static LivePipelineRun run(Path dir, LocalDate day, int conversations, long seed) throws Exception {
        return run(dir, day, simulatedDay(day, conversations, seed));
    }

    /** As {@link #run(Path, LocalDate, int, long)}, on {@link #simulatedDayWithTimelines}. */
    public static LivePipelineRun runWithTimelines(Path dir, LocalDate day, int conversations, long seed)
            throws Exception {
        return run(dir, day, simulatedDayWithTimelines(day, conversations, seed));
    }

    private static LivePipelineRun run(Path dir, LocalDate day, List<InteractionEvent> arrivals) throws Exception {
        EngineConfig config = testConfig();
        LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        LocalInflux influx = null;
        try {
            influx = LocalInflux.started();
            influx.createDatabase("carekpi");
            KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers());
            broker.createCareTopics(kafka);
            KafkaTopics.produce(broker.bootstrapServers(), kafka.eventsTopic(), arrivals);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(1000);
            InfluxConnection connection = InfluxConnection.of(influx.url(), "carekpi");
            var outputs = LiveJob.build(env, config, kafka, true);
            InfluxOutputs.attach(outputs, new InfluxOutputs.Settings(connection));
            Instant started = Instant.now();
            env.execute("live run of " + day);
            Instant finished = Instant.now();
            return new LivePipelineRun(broker, influx, connection, arrivals,
                    PipelineFixture.replay(arrivals, config, dir), started, finished);
        } catch (Exception | Error e) {
            if (influx != null) {
                influx.close();
            }
            broker.close();
            throw e;
        }
    }

    @Override
    public void close() {
        influx.close();
        broker.close();
    }
}
