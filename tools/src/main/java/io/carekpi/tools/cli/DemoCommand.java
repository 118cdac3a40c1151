package io.carekpi.tools.cli;


import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.tools.broker.LocalKafkaBroker;
import io.carekpi.tools.demo.DemoTraffic;
import io.carekpi.tools.demo.TrafficSender;
import io.carekpi.tools.demo.WallboardModel;
import io.carekpi.io.FileTrees;
import io.carekpi.jobs.LiveJob;
import io.carekpi.jobs.RuntimeSettings;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Everything on this machine: a Kafka broker (KRaft) on 127.0.0.1, simulated live traffic,",
                "the CareKPI job in a local Flink with its web UI, and a terminal wallboard fed from the KPI",
                "topics, refreshed every second. Writes to InfluxDB too when INFLUX_URL is set."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--work-dir", defaultValue = "runtime/demo", description = "Broker data, checkpoints, logs.")
    Path workDir;

    @Option(names = "--config", defaultValue = "jobs/kpi-engine/config.yaml",
            description = "Job configuration (default ${DEFAULT-VALUE}; built-in defaults if missing).")
    Path config;

    @Option(names = "--conversations-per-day", defaultValue = "" + DemoTraffic.CONVERSATIONS_PER_DAY,
            description = "Default ${DEFAULT-VALUE}.")
    int conversationsPerDay;

    @Option(names = "--busy-day", description = {"A busy day: the voice queue is short of staff (calls wait 40 s in the",
            "queue, most miss the 30 s answer target). Default: a normal day, most calls answered in time."})
    boolean busyDay;

    @Option(names = "--seed", defaultValue = "7", description = "Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port (default ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--duration", description = "Stop after this long (e.g. 2m); default: until Ctrl-C.",
            converter = RuntimeSettings.DurationConverter.class)
    Duration duration;

    @Option(names = "--plain", description = "Print the board every 10 s without clearing the screen (logs, CI).")
    boolean plain;

    @Mixin RuntimeSettings runtime;

    @Override
    public Integer call() throws Exception {
        EngineConfig cfg = Files.exists(config) ? EngineConfig.load(config) : EngineConfig.defaults();
        Path kafkaDir = workDir.resolve("kafka");
        FileTrees.deleteRecursively(kafkaDir);
        if (runtime.checkpointDir == null) {
            runtime.checkpointDir = workDir.resolve("checkpoints").toAbsolutePath().toUri().toString();
        }
        System.out.println("starting a Kafka broker (KRaft) in " + kafkaDir + " ...");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(kafkaDir)) {
            // as `carekpi run` ships: at-least-once Kafka sinks, so the board moves without waiting for checkpoints
            KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers())
                    .withGuarantee(KafkaSettings.shippedDelivery());
            broker.createCareTopics(kafka);

            DemoTraffic day = busyDay ? DemoTraffic.BUSY_DAY : DemoTraffic.NORMAL;
            Instant start = Instant.now().plusSeconds(5);
            var events = TrafficSender.liveDay(day.config(seed, conversationsPerDay,
                    start.atZone(ZoneOffset.UTC).toLocalDate()), DemoTraffic.START_HOUR, start);
            TrafficSender sender = new TrafficSender(broker.bootstrapServers(), new Properties(), kafka.eventsTopic(),
                    events, 0);
            Thread traffic = new Thread(sender, "simulated traffic");
            traffic.setDaemon(true);
            traffic.start();

            StreamExecutionEnvironment env = runtime.localEnvironmentWithWebUi(webPort);
            var outputs = LiveJob.build(env, cfg, kafka, false);
            runtime.attachInflux(outputs);
            JobClient job = env.executeAsync("carekpi demo");
            System.out.println("Flink web UI: http://127.0.0.1:" + webPort + "   Kafka: " + broker.bootstrapServers());

            WallboardModel board = new WallboardModel(cfg.fcrWindow);
            Thread reader = new Thread(() -> follow(broker.bootstrapServers(), kafka, board), "wallboard reader");
            reader.setDaemon(true);
            reader.start();

            long until = duration == null ? Long.MAX_VALUE : System.currentTimeMillis() + duration.toMillis();
            long lastPrint = 0;
            while (System.currentTimeMillis() < until) {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    System.err.println("the job stopped: " + job.getJobStatus().get());
                    return 1;
                }
                long now = System.currentTimeMillis();
                if (!plain || now - lastPrint >= 10_000) {
                    String header = String.format("CareKPI demo  %s UTC   %s   events sent: %d   KPI updates read: %d%n",
                            DateTimeFormatter.ofPattern("HH:mm:ss").format(Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC)),
                            busyDay ? "busy day" : "normal day", sender.sent(), board.updates());
                    System.out.print((plain ? "\n" : "\033[H\033[2J") + header + "\n" + board.render(now));
                    System.out.flush();
                    lastPrint = now;
                }
                Thread.sleep(1000);
            }
            sender.stop();
            job.cancel().get();
            System.out.printf("%nstopped after %s: %d events sent, %d KPI updates read%n", duration, sender.sent(),
                    board.updates());
            return board.updates() > 0 ? 0 : 2;
        }
    }

    /** Reads care.kpi, care.sla and care.queue as a downstream service would (read_committed). */
    private static void follow(String bootstrap, KafkaSettings kafka, WallboardModel board) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("group.id", "carekpi-wallboard");
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(kafka.kpiTopic(), kafka.slaTopic(), kafka.queueTopic()));
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    try {
                        if (r.topic().equals(kafka.kpiTopic())) {
                            board.apply(KpiSnapshot.getDecoder().decode(r.value()));
                        } else if (r.topic().equals(kafka.slaTopic())) {
                            board.apply(SlaEvent.getDecoder().decode(r.value()));
                        } else {
                            board.apply(QueueGauge.getDecoder().decode(r.value()));
                        }
                    } catch (java.io.IOException e) {
                        System.err.println("wallboard: cannot decode a record of " + r.topic() + ": " + e);
                    }
                }
            }
        }
    }
}
