package io.carekpi.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.tools.broker.LocalKafkaBroker;
import io.carekpi.io.EventAvro;
import io.carekpi.jobs.LiveJob;
import io.carekpi.jobs.RuntimeSettings;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import io.carekpi.schema.SlaStatus;
import io.carekpi.tools.sim.SimulationConfig;
import io.carekpi.tools.sim.TrafficSimulator;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End to end on the real local stack: a Kafka broker ({@link LocalKafkaBroker}), an InfluxDB 1.x
 * ({@code bin/influxdb start}), and the live job ({@link LiveJob} with the InfluxDB sinks, through
 * {@link RuntimeSettings} as {@code carekpi run} sets it up) in a local Flink.
 *
 * <p>Load: simulated conversations re-stamped with the wall clock as they are sent, at a fixed
 * rate, keyed by conversation. Probes: after a warm-up, at random instants (exponential gaps), one
 * conversation opens on {@code WEB_CHAT} in the dedicated queue {@code bench-probe} (which nothing
 * else uses), stamped with its send time. Probe k is visible when the {@code opened} count of the
 * row (1d window, WEB_CHAT, all agents, bench-probe) reaches k+1: on {@code care.kpi} read by a
 * {@code read_committed} consumer, and in InfluxDB (polled every {@link #INFLUX_POLL_MS} ms). The
 * probe queue's SLA policy is a 2 s first response that nobody meets, so each probe also breaches:
 * SLA alert latency is the arrival of its BREACHED record on {@code care.sla} (read_committed) minus
 * its deadline. All clocks are this machine's wall clock.
 */
public final class EndToEnd {
    static final String PROBE_QUEUE = "bench-probe";
    static final long INFLUX_POLL_MS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EndToEnd() {}

    /**
     * @param earlyFiring null: the shipped {@code jobs/kpi-engine/config.yaml}'s
     * @param influxBuffer the InfluxDB sinks' {@code maxTimeInBufferMS}
     */
    public record Settings(String name, double eventsPerSecond, Duration warmUp, Duration measure,
                           Duration probeMeanGap, Duration checkpointInterval, DeliveryGuarantee delivery,
                           Duration earlyFiring, Duration influxBuffer, int parallelism) {}

    /**
     * @param lateEvents records the job sent to the late output ({@code care.dlq}, kind {@code late})
     *     during the whole run, load and probes
     * @param lateProbes the probes among them (never visible in the KPIs, nor breached)
     */
    public record Result(Settings settings, long eventsSent, double achievedRate, long backlog, int probes,
                         List<Long> kafkaFreshness, List<Long> influxFreshness, List<Long> slaLatency,
                         List<Long> gaugeFreshness,
                         String outOfOrderness, long lateEvents, int lateProbes, Map<String, Double> outputRates,
                         Map<String, Double> cpu) {}

    /** Fails with how to install it when there is no InfluxDB 1.x {@code influxd}. */
    public static void requireInfluxd() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin:/usr/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "influxd"))) {
                return;
            }
        }
        throw new IllegalStateException("the end-to-end benchmark needs a real InfluxDB 1.x, and influxd is not "
                + "installed: run bin/influxdb install (Debian's influxdb package), then bin/bench --end-to-end again");
    }

    public static Result run(Settings s) throws Exception {
        requireInfluxd();
        Path tmp = Files.createTempDirectory("carekpi-e2e-");
        Path influxDir = tmp.resolve("influx");
        LocalKafkaBroker kafka = null;
        JobClient job = null;
        List<AutoCloseable> toStop = new ArrayList<>();
        try {
            String influxUrl = "http://127.0.0.1:" + startInflux(influxDir);
            influxQuery(influxUrl, "CREATE DATABASE carekpi");
            kafka = LocalKafkaBroker.start(tmp.resolve("kafka"));
            kafka.createCareTopics(KafkaSettings.defaults(kafka.bootstrapServers()));
            String bootstrap = kafka.bootstrapServers();

            EngineConfig.Builder b = EngineConfig.load(configWithProbeQueue(tmp)).toBuilder();
            if (s.earlyFiring() != null) {
                b.earlyFiringInterval = s.earlyFiring();
            }
            EngineConfig config = b.build();
            Load load = new Load(bootstrap, s.eventsPerSecond());
            RuntimeSettings runtime = RuntimeSettings.defaults();
            runtime.checkpointInterval = s.checkpointInterval();
            runtime.influxMaxTimeInBuffer = s.influxBuffer();
            runtime.checkpointDir = tmp.resolve("checkpoints").toUri().toString();
            runtime.stateBackend = "hashmap";
            runtime.parallelism = s.parallelism();
            runtime.influxUrl = influxUrl;
            runtime.influxDb = "carekpi";
            String trace = System.getProperty("carekpi.bench.trace");
            int restPort = freePort(); // to read the sources' backlog (and sample watermarks) over REST
            StreamExecutionEnvironment env = runtime.localEnvironmentWithWebUi(restPort, freshMetrics());
            FlinkRest rest = FlinkRest.onPort(restPort);
            var outputs = LiveJob.build(env, config, KafkaSettings.defaults(bootstrap).withGuarantee(s.delivery()), false);
            runtime.attachInflux(outputs);
            job = env.executeAsync("carekpi end to end " + s.name());
            awaitRunning(job);

            List<Long> sentAt = new CopyOnWriteArrayList<>();
            Map<Integer, Long> kafkaSeen = new ConcurrentHashMap<>();
            Map<Integer, Long> influxSeen = new ConcurrentHashMap<>();
            Map<String, Long> breachSeen = new ConcurrentHashMap<>();
            Map<Integer, Long> gaugeSeen = new ConcurrentHashMap<>();
            KpiWatcher kpis = new KpiWatcher(bootstrap, kafkaSeen, breachSeen, gaugeSeen);
            InfluxWatcher influx = new InfluxWatcher(influxUrl, influxSeen);
            toStop.add(load);
            toStop.add(kpis);
            toStop.add(influx);
            Thread loadThread = start(load, "e2e load");
            start(kpis, "e2e care.kpi and care.sla consumer");
            start(influx, "e2e InfluxDB poller");
            boolean sampleWatermarks = !"false".equals(System.getProperty("carekpi.bench.trace.watermarks"));
            WatermarkTrace watermarks = trace == null || !sampleWatermarks ? null
                    : new WatermarkTrace(rest, job.getJobID(), Path.of(trace + ".watermarks.csv"));
            if (watermarks != null) {
                toStop.add(watermarks);
                start(watermarks, "e2e watermark sampler");
            }
            if (trace != null) {
                PauseTrace pauses = new PauseTrace(Path.of(trace + ".pauses.csv"));
                toStop.add(pauses);
                start(pauses, "e2e pause sampler");
            }
            Thread.sleep(s.warmUp().toMillis());
            long influxd = Long.parseLong(Files.readString(influxDir.resolve("influxd.pid")).trim());
            Map<String, Long> processes = new java.util.LinkedHashMap<>();
            processes.put("job, load and consumers (one JVM)", ProcessHandle.current().pid());
            processes.put("Kafka broker", kafka.pid());
            processes.put("InfluxDB", influxd);
            Map<String, Long> cpuBefore = cpuTicks(processes);
            Map<String, Long> outputsBefore = endOffsets(kafka, OUTPUT_TOPICS);
            long loadStart = load.sent;
            long t0 = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> probes = producer(bootstrap)) {
                Random random = new Random(7);
                long end = System.currentTimeMillis() + s.measure().toMillis();
                for (int k = 0; System.currentTimeMillis() < end; k++) {
                    long gap = (long) (-Math.log(1 - random.nextDouble()) * s.probeMeanGap().toMillis());
                    Thread.sleep(Math.max(1, gap));
                    long now = System.currentTimeMillis();
                    InteractionEvent e = InteractionEvent.newBuilder().setEventId("probe-e" + k)
                            .setOccurredAt(Instant.ofEpochMilli(now)).setConversationId("probe-" + k)
                            .setCustomerId("probe-customer-" + k).setChannel(Channel.WEB_CHAT)
                            .setType(EventType.CONVERSATION_OPENED).setQueue(PROBE_QUEUE).build();
                    sentAt.add(now);
                    probes.send(new ProducerRecord<>(KafkaSettings.EVENTS, null, now,
                            e.getConversationId().getBytes(StandardCharsets.UTF_8), EventAvro.encode(e)));
                }
            }
            long loadSent = load.sent - loadStart;
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = loadSent / seconds;
            Map<String, Double> cpu = new java.util.LinkedHashMap<>();
            cpuTicks(processes).forEach((name, ticks) -> cpu.put(name,
                    (ticks - cpuBefore.get(name)) / (double) CLOCK_TICKS / seconds / Runtime.getRuntime().availableProcessors()));
            Map<String, Double> outputRates = new java.util.LinkedHashMap<>();
            endOffsets(kafka, OUTPUT_TOPICS).forEach((topic, end) ->
                    outputRates.put(topic, (end - outputsBefore.get(topic)) / seconds));
            long backlog = rest.pendingRecords(job.getJobID());
            // let the last probes through: early firing, checkpoint, InfluxDB batching, SLA deadline
            long drainUntil = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < drainUntil
                    && (kafkaSeen.size() < sentAt.size() || influxSeen.size() < sentAt.size()
                    || breachSeen.size() < sentAt.size() || gaugeSeen.size() < sentAt.size())) {
                Thread.sleep(200);
            }
            load.stop();
            loadThread.join(10_000);
            long[] late = lateDeadLetters(bootstrap);
            List<Long> kafkaLatency = new ArrayList<>();
            List<Long> influxLatency = new ArrayList<>();
            List<Long> slaLatency = new ArrayList<>();
            List<Long> gaugeLatency = new ArrayList<>();
            for (int k = 0; k < sentAt.size(); k++) {
                long at = sentAt.get(k);
                Long kv = kafkaSeen.get(k + 1);
                Long iv = influxSeen.get(k + 1);
                Long bv = breachSeen.get("probe-" + k);
                kafkaLatency.add(kv == null ? Long.MAX_VALUE : kv - at);
                influxLatency.add(iv == null ? Long.MAX_VALUE : iv - at);
                slaLatency.add(bv == null ? Long.MAX_VALUE : bv - (at + 2_000));
                Long gv = gaugeSeen.get(k + 1);
                gaugeLatency.add(gv == null ? Long.MAX_VALUE : gv - at);
            }
            if (trace != null) { // per-probe figures, to line them up with checkpoints and GC
                StringBuilder t = new StringBuilder("sent_ms,kafka_ms,influx_ms,sla_ms\n");
                for (int k = 0; k < sentAt.size(); k++) {
                    t.append(sentAt.get(k)).append(',').append(kafkaLatency.get(k)).append(',')
                            .append(influxLatency.get(k)).append(',').append(slaLatency.get(k)).append('\n');
                }
                Files.writeString(Path.of(trace), t);
                Files.writeString(Path.of(trace + ".checkpoints.csv"), rest.checkpointPhases(job.getJobID()));
            }
            return new Result(s, loadSent, rate, backlog, sentAt.size(), kafkaLatency, influxLatency, slaLatency,
                    gaugeLatency,
                    config.outOfOrderness.toMillis() + " ms", late[0], (int) late[1], outputRates, cpu);
        } finally {
            for (AutoCloseable c : toStop) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
            if (job != null) {
                try {
                    job.cancel().get(60, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // already failed or finished
                }
            }
            if (kafka != null) {
                kafka.close();
            }
            try {
                exec("bin/influxdb", "stop", influxDir.toString());
            } catch (Exception ignored) {
                // not started
            }
            try (Stream<Path> paths = Files.walk(tmp)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** The output topics whose record rates the result reports. */
    static final List<String> OUTPUT_TOPICS = List.of(KafkaSettings.KPI, KafkaSettings.SLA, KafkaSettings.CONVERSATIONS,
            KafkaSettings.QUEUE);
    /** Linux's USER_HZ: the unit of the CPU times in /proc/PID/stat. */
    private static final long CLOCK_TICKS = 100;

    /** User plus system CPU time of each process so far, in clock ticks (from /proc/PID/stat). */
    private static Map<String, Long> cpuTicks(Map<String, Long> processes) throws IOException {
        Map<String, Long> ticks = new java.util.LinkedHashMap<>();
        for (var e : processes.entrySet()) {
            String stat = Files.readString(Path.of("/proc", String.valueOf(e.getValue()), "stat"));
            // fields after the parenthesised command name: state is field 3, utime 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks.put(e.getKey(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
        }
        return ticks;
    }

    /** The sum over partitions of each topic's end offset (records written so far, plus transaction markers). */
    private static Map<String, Long> endOffsets(LocalKafkaBroker kafka, List<String> topics) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((topic, d) ->
                    d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<String, Long> ends = new java.util.LinkedHashMap<>();
            topics.forEach(t -> ends.put(t, 0L));
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.merge(tp.topic(), info.offset(), Long::sum));
            return ends;
        }
    }

    /**
     * The late dead letters on care.dlq (kind {@code late}) at the end of the run, and how many of
     * them are probes (their bytes name the probe queue): {total, probes}.
     */
    private static long[] lateDeadLetters(String bootstrap) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("enable.auto.commit", "false");
        long total = 0;
        long probes = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(KafkaSettings.DLQ).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long until = System.currentTimeMillis() + 30_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < until) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    var kind = r.headers().lastHeader("carekpi.kind");
                    if (kind != null && "late".equals(new String(kind.value(), StandardCharsets.UTF_8))) {
                        total++;
                        if (r.value() != null && new String(r.value(), StandardCharsets.ISO_8859_1).contains(PROBE_QUEUE)) {
                            probes++;
                        }
                    }
                }
            }
        }
        return new long[] {total, probes};
    }

    /** Waits until the job runs (its tasks deployed), so the load does not start with a backlog. */
    private static void awaitRunning(JobClient job) throws Exception {
        long until = System.currentTimeMillis() + 120_000;
        while (job.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING) {
            if (System.currentTimeMillis() > until || job.getJobStatus().get().isTerminalState()) {
                throw new IllegalStateException("the live job did not start: " + job.getJobStatus().get());
            }
            Thread.sleep(200);
        }
        Thread.sleep(3_000); // tasks deployed, Kafka readers and transactional producers initialised
    }

    /** The shipped job configuration plus the probe queue's SLA policy (2 s first response, no warning). */
    private static Path configWithProbeQueue(Path tmp) throws IOException {
        String shipped = Files.readString(Path.of("jobs/kpi-engine/config.yaml"));
        if (!shipped.stripTrailing().contains("\n  queues:\n")) {
            throw new IllegalStateException("jobs/kpi-engine/config.yaml has no sla.queues section to extend");
        }
        Path p = tmp.resolve("config.yaml");
        Files.writeString(p, shipped.stripTrailing() + "\n    " + PROBE_QUEUE + ": {firstResponse: 2s, warnAt: 1}\n");
        return p;
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("linger.ms", "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Simulated traffic at a fixed rate, each event stamped with the wall clock as it is sent. Every
     * round of the simulated day gets its own event, conversation and customer ids: a day compressed
     * into seconds would otherwise bring each customer back every few seconds, and their first
     * contact resolution ledgers (open for {@code fcrWindow} in event time) would grow without end.
     */
    private static final class Load implements Runnable, AutoCloseable {
        static final Duration RAMP = Duration.ofSeconds(20);
        private final String bootstrap;
        private final double rate;
        private final List<InteractionEvent> day;
        private volatile boolean running = true;
        volatile long sent;

        Load(String bootstrap, double rate) {
            this.bootstrap = bootstrap;
            this.rate = rate;
            // a simulated day's conversations, replayed in order, compressed to the offered rate
            this.day = TrafficSimulator.simulate(SimulationConfig.builder().seed(11)
                    .firstDay(LocalDate.of(2026, 3, 2)).conversationsPerDay(20_000).build()).events();
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                for (int round = 0; running; round++) {
                    String prefix = "r" + round + "-";
                    for (InteractionEvent planned : day) {
                        if (!running) {
                            break;
                        }
                        long due = start + dueNanos(sent);
                        long wait = due - System.nanoTime();
                        if (wait > 1_000_000) {
                            Thread.sleep(wait / 1_000_000);
                        }
                        long now = System.currentTimeMillis();
                        InteractionEvent e = InteractionEvent.newBuilder(planned)
                                .setEventId(prefix + planned.getEventId())
                                .setConversationId(prefix + planned.getConversationId())
                                .setCustomerId(prefix + planned.getCustomerId())
                                .setOccurredAt(Instant.ofEpochMilli(now)).build();
                        producer.send(new ProducerRecord<>(KafkaSettings.EVENTS, null, now,
                                e.getConversationId().getBytes(StandardCharsets.UTF_8), EventAvro.encode(e)));
                        sent++;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * When the n-th event is due, in ns after the start: the rate ramps up linearly over
         * {@link #RAMP} (a cold JVM and an empty broker would otherwise start behind and spend the
         * measurement catching up), then stays at the offered rate.
         */
        long dueNanos(long n) {
            double ramp = RAMP.toNanos() / 1e9;
            double rampEvents = rate * ramp / 2;
            double seconds = n < rampEvents ? Math.sqrt(2 * ramp * n / rate) : n / rate + ramp / 2;
            return (long) (seconds * 1e9);
        }

        void stop() {
            running = false;
        }

        @Override
        public void close() {
            stop();
        }
    }

    /**
     * Reads care.kpi, care.sla and care.queue as a read_committed consumer and notes when each probe
     * shows up: in the KPIs (opened), as a breach, and in the live gauge (waiting: every probe's
     * customer waits for a first response nobody gives).
     */
    private static final class KpiWatcher implements Runnable, AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<Integer, Long> kafkaSeen;
        private final Map<String, Long> breachSeen;
        private final Map<Integer, Long> gaugeSeen;
        private volatile boolean running = true;

        KpiWatcher(String bootstrap, Map<Integer, Long> kafkaSeen, Map<String, Long> breachSeen,
                   Map<Integer, Long> gaugeSeen) {
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", bootstrap);
            p.setProperty("group.id", "bench-e2e");
            p.setProperty("isolation.level", "read_committed");
            p.setProperty("auto.offset.reset", "earliest");
            p.setProperty("enable.auto.commit", "false");
            p.setProperty("fetch.max.wait.ms", "20");
            this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.consumer.subscribe(List.of(KafkaSettings.KPI, KafkaSettings.SLA, KafkaSettings.QUEUE));
            this.kafkaSeen = kafkaSeen;
            this.breachSeen = breachSeen;
            this.gaugeSeen = gaugeSeen;
        }

        @Override
        public void run() {
            int highest = 0;
            int highestWaiting = 0;
            try {
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (r.topic().equals(KafkaSettings.KPI)) {
                            if (!isProbeRow(r.key())) {
                                continue; // decoding every snapshot took the JVM's CPU from the job
                            }
                            KpiSnapshot s = KpiSnapshot.getDecoder().decode(r.value());
                            if (PROBE_QUEUE.equals(s.getQueue()) && "1d".equals(s.getWindow())
                                    && "all".equals(s.getAgent())) {
                                int opened = (int) s.getOpened();
                                for (int k = highest + 1; k <= opened; k++) {
                                    kafkaSeen.putIfAbsent(k, now);
                                }
                                highest = Math.max(highest, opened);
                            }
                        } else if (r.topic().equals(KafkaSettings.QUEUE)) {
                            QueueGauge g = QueueGauge.getDecoder().decode(r.value());
                            if (PROBE_QUEUE.equals(g.getQueue()) && Channel.WEB_CHAT.name().equals(g.getChannel())) {
                                int waiting = (int) g.getWaiting();
                                for (int k = highestWaiting + 1; k <= waiting; k++) {
                                    gaugeSeen.putIfAbsent(k, now);
                                }
                                highestWaiting = Math.max(highestWaiting, waiting);
                            }
                        } else {
                            SlaEvent e = SlaEvent.getDecoder().decode(r.value());
                            if (e.getStatus() == SlaStatus.BREACHED && PROBE_QUEUE.equals(e.getQueue())) {
                                breachSeen.putIfAbsent(e.getConversationId(), now);
                            }
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException stopping) {
                // closing
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                consumer.close();
            }
        }

        /** The key of a {@code 1d} row of the probe queue for all agents ({@code LiveJob.kpiKey}). */
        private static boolean isProbeRow(byte[] key) {
            String k = key == null ? "" : new String(key, StandardCharsets.UTF_8);
            return k.startsWith("1d|") && k.endsWith("|all|" + PROBE_QUEUE);
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
        }
    }

    /**
     * REST metrics as fresh as the sampler reads them (Flink caches them for 10 s by default), and
     * each {@code -Dcarekpi.bench.flink.KEY=VALUE} as the Flink setting KEY (experiments with
     * settings the job does not expose, e.g. {@code state.changelog.enabled}).
     */
    private static org.apache.flink.configuration.Configuration freshMetrics() {
        org.apache.flink.configuration.Configuration c = new org.apache.flink.configuration.Configuration();
        c.set(org.apache.flink.configuration.MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(50));
        return ExperimentSettings.apply(c);
    }

    /**
     * Diagnostics ({@code -Dcarekpi.bench.trace=FILE}): what held up the whole JVM, as CSV lines
     * {@code start_ms,duration_ms,kind,what}: each garbage collection the JVM reports (kind
     * {@code gc}: its collector, action and cause; for G1's young and mixed collections the
     * duration is the pause), and each time a thread asleep for 10 ms woke up more than 50 ms late
     * (kind {@code stall}: the JVM at a safepoint, or the machine giving it no core).
     */
    private static final class PauseTrace implements Runnable, AutoCloseable {
        private static final long SLEEP_MS = 10;
        private static final long STALL_MS = 50;
        private final Path file;
        private final StringBuffer out = new StringBuffer("start_ms,duration_ms,kind,what\n");
        private final List<Runnable> unregister = new ArrayList<>();
        private volatile boolean running = true;

        PauseTrace(Path file) {
            this.file = file;
            long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            for (java.lang.management.GarbageCollectorMXBean gc
                    : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof javax.management.NotificationEmitter emitter) {
                    javax.management.NotificationListener listener = (n, handback) -> {
                        if (com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                                .equals(n.getType())) {
                            var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                                    (javax.management.openmbean.CompositeData) n.getUserData());
                            out.append(jvmStart + info.getGcInfo().getStartTime()).append(',')
                                    .append(info.getGcInfo().getDuration()).append(",gc,\"")
                                    .append(info.getGcName()).append(": ").append(info.getGcAction())
                                    .append(" (").append(info.getGcCause()).append(")\"\n");
                        }
                    };
                    emitter.addNotificationListener(listener, null, null);
                    unregister.add(() -> {
                        try {
                            emitter.removeNotificationListener(listener);
                        } catch (javax.management.ListenerNotFoundException ignored) {
                            // already gone
                        }
                    });
                }
            }
        }

        @Override
        public void run() {
            try {
                while (running) {
                    long before = System.nanoTime();
                    Thread.sleep(SLEEP_MS);
                    long late = (System.nanoTime() - before) / 1_000_000 - SLEEP_MS;
                    if (late > STALL_MS) {
                        out.append(System.currentTimeMillis() - late).append(',').append(late)
                                .append(",stall,\n");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            running = false;
            unregister.forEach(Runnable::run);
            Files.writeString(file, out);
        }
    }

    /**
     * Diagnostics ({@code -Dcarekpi.bench.trace=FILE}): every 100 ms, each vertex's lowest input
     * watermark behind the wall clock, as CSV lines {@code wall_ms,vertex,lag_ms}.
     */
    private static final class WatermarkTrace implements Runnable, AutoCloseable {
        private final FlinkRest rest;
        private final org.apache.flink.api.common.JobID job;
        private final Path file;
        private volatile boolean running = true;

        WatermarkTrace(FlinkRest rest, org.apache.flink.api.common.JobID job, Path file) {
            this.rest = rest;
            this.job = job;
            this.file = file;
        }

        @Override
        public void run() {
            StringBuilder out = new StringBuilder("wall_ms,vertex,lag_ms\n");
            try {
                while (running) {
                    long now = System.currentTimeMillis();
                    rest.inputWatermarks(job).forEach((vertex, w) -> out.append(now).append(",\"")
                            .append(vertex.replace('"', '\'')).append("\",")
                            .append(w == Long.MIN_VALUE ? "" : String.valueOf(now - w)).append('\n'));
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                out.append("# stopped: ").append(e).append('\n');
            }
            try {
                Files.writeString(file, out);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            Thread.sleep(300);
        }
    }

    /** Polls InfluxDB for the probe row's {@code opened} count. */
    private static final class InfluxWatcher implements Runnable, AutoCloseable {
        private final String url;
        private final Map<Integer, Long> seen;
        private volatile boolean running = true;

        InfluxWatcher(String url, Map<Integer, Long> seen) {
            this.url = url;
            this.seen = seen;
        }

        @Override
        public void run() {
            String q = "SELECT last(\"opened\") FROM \"care_kpi\" WHERE \"window\"='1d' AND \"channel\"='WEB_CHAT' "
                    + "AND \"agent\"='all' AND \"queue\"='" + PROBE_QUEUE + "'";
            int highest = 0;
            while (running) {
                try {
                    JsonNode values = influxQuery(url, q).path("results").path(0).path("series").path(0).path("values");
                    long now = System.currentTimeMillis();
                    if (values.size() > 0) {
                        int opened = values.get(values.size() - 1).get(1).asInt();
                        for (int k = highest + 1; k <= opened; k++) {
                            seen.putIfAbsent(k, now);
                        }
                        highest = Math.max(highest, opened);
                    }
                    Thread.sleep(INFLUX_POLL_MS);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // InfluxDB busy or the series not there yet: try again
                }
            }
        }

        @Override
        public void close() {
            running = false;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static JsonNode influxQuery(String url, String q) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/query?db=carekpi"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("InfluxQL '" + q + "': HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /**
     * Starts influxd on a free port; again on another one if the port, or the RPC port next to it,
     * was taken between choosing and binding (a client's ephemeral port can be): up to three times.
     */
    private static int startInflux(Path dir) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            try {
                exec("bin/influxdb", "start", dir.toString(), String.valueOf(port));
                return port;
            } catch (IOException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
