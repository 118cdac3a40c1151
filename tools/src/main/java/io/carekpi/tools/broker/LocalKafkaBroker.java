package io.carekpi.tools.broker;

import io.carekpi.connectors.kafka.KafkaSettings;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process) on
 * 127.0.0.1, for the demo and the integration tests. It runs as a child JVM started from this
 * JVM's classpath, which holds Kafka's own jars ({@code org.apache.kafka:kafka_2.13}): storage is
 * formatted with {@code kafka.tools.StorageTool}, the broker is {@code kafka.Kafka}, exactly as
 * Kafka's own scripts do. Its log goes to {@code DIR/broker.log}.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private LocalKafkaBroker(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a broker with its data in {@code dir} and waits until it answers (up to 90 s). A
     * directory that held a broker before is started again with its data and ports (a restart).
     */
    public static LocalKafkaBroker start(Path dir) throws IOException, InterruptedException {
        Path props = dir.resolve("server.properties");
        if (Files.exists(props)) {
            Properties p = new Properties();
            try (var in = Files.newInputStream(props)) {
                p.load(in);
            }
            return launch(dir, directPort(p.getProperty("advertised.listeners")));
        }
        return start(dir, freePort());
    }

    public static LocalKafkaBroker start(Path dir, int port) throws IOException, InterruptedException {
        return start(dir, port, "", "", "");
    }

    /**
     * A broker as {@link #start(Path)} with a second client listener, {@code PROXIED} on
     * {@code listenerPort}, that tells its clients the broker is at {@code 127.0.0.1:advertisedPort}:
     * a TCP proxy listening there and forwarding to {@code listenerPort} then carries every request
     * of a client bootstrapped from the proxy, not only the first (a broker answers metadata with the
     * address of the listener the client came through, and clients connect to that address from then
     * on). {@link #bootstrapServers()} stays the direct listener, for the clients that must not go
     * through the proxy; the broker's own connections (transaction markers) use it too. For the
     * fault tests: a proxy in front of a plain broker is bypassed as soon as clients have its
     * metadata.
     */
    public static LocalKafkaBroker startProxied(Path dir, int listenerPort, int advertisedPort)
            throws IOException, InterruptedException {
        return start(dir, freePort(), ",PROXIED://127.0.0.1:" + listenerPort,
                ",PROXIED://127.0.0.1:" + advertisedPort, ",PROXIED:PLAINTEXT");
    }

    /**
     * Writes the configuration and starts; the extra listeners, advertised listeners and protocol
     * mappings are each "" or start with a comma.
     */
    private static LocalKafkaBroker start(Path dir, int port, String moreListeners, String moreAdvertised,
                                          String moreProtocols) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int controller = freePort();
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller + moreListeners,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + moreAdvertised,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + moreProtocols,
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                "num.partitions=4",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "log.flush.interval.messages=9223372036854775807",
                // Retention runs every 5 s instead of every 5 min, so that a record stamped with
                // an old event time is deleted within seconds in tests and the demo, as it would be
                // at some point in production, instead of by chance in a long run.
                "log.retention.check.interval.ms=5000",
                "") , StandardCharsets.UTF_8);
        return launch(dir, port);
    }

    /** The port of the {@code PLAINTEXT} (direct) listener in {@code advertised.listeners}. */
    private static int directPort(String advertised) {
        for (String listener : advertised.split(",")) {
            if (listener.startsWith("PLAINTEXT://")) {
                return Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
            }
        }
        throw new IllegalStateException("no PLAINTEXT listener in advertised.listeners=" + advertised);
    }

    private static LocalKafkaBroker launch(Path dir, int port) throws IOException, InterruptedException {
        Path props = dir.resolve("server.properties");
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, String.join("\n",
                "rootLogger.level = WARN",
                "rootLogger.appenderRef.out.ref = out",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d %-5p %c{1} - %m%n", ""), StandardCharsets.UTF_8);
        Path logFile = dir.resolve("broker.log");
        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            Process format = java(log4j, "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                    "-c", props.toString(), "--ignore-formatted")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("formatting Kafka storage failed, see " + logFile);
            }
        }
        Process broker = java(log4j, "kafka.Kafka", props.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        LocalKafkaBroker b = new LocalKafkaBroker(dir, port, broker);
        Runtime.getRuntime().addShutdownHook(new Thread(b::stopQuietly, "stop local Kafka broker"));
        b.awaitReady(Duration.ofSeconds(90), logFile);
        return b;
    }

    private static ProcessBuilder java(Path log4j, String main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private void awaitReady(Duration timeout, Path logFile) throws IOException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IOException("the Kafka broker exited with " + process.exitValue() + ": see " + logFile
                        + "\n" + tail(logFile));
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                Thread.sleep(500);
            }
        }
        close();
        throw new IOException("the Kafka broker did not answer within " + timeout + ": see " + logFile);
    }

    private static String tail(Path f) throws IOException {
        List<String> lines = Files.exists(f) ? Files.readAllLines(f) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Admin admin() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers());
        p.setProperty("request.timeout.ms", "10000");
        p.setProperty("default.api.timeout.ms", "10000");
        return Admin.create(p);
    }

    /**
     * Creates the job's topics that do not exist yet: the events topic with 4 partitions and
     * {@code message.timestamp.type=LogAppendTime} (producers may stamp records with event times
     * months old; the broker's time-based retention would delete such records before the job reads
     * them — see docs/operations.md), the outputs with 2 partitions, dead letters and queue gauges
     * with 1.
     */
    public void createCareTopics(KafkaSettings s) throws Exception {
        Map<String, Integer> partitions = Map.of(s.eventsTopic(), 4, s.kpiTopic(), 2, s.slaTopic(), 2,
                s.conversationsTopic(), 2, s.dlqTopic(), 1, s.queueTopic(), 1);
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> topics = new ArrayList<>();
            partitions.forEach((name, n) -> {
                if (!existing.contains(name)) {
                    NewTopic t = new NewTopic(name, n, (short) 1);
                    if (name.equals(s.eventsTopic())) {
                        t.configs(Map.of("message.timestamp.type", "LogAppendTime"));
                    }
                    topics.add(t);
                }
            });
            try {
                admin.createTopics(topics).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, partitions.keySet());
        }
    }

    /** Waits (up to 30 s) until every partition of the topics has a leader, so producers can send. */
    private static void awaitLeaders(Admin admin, Set<String> names) throws Exception {
        long until = System.currentTimeMillis() + 30_000;
        while (true) {
            boolean ready;
            try {
                ready = admin.describeTopics(names).allTopicNames().get().values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false; // created, but not in the broker's metadata yet
            }
            if (ready) {
                return;
            }
            if (System.currentTimeMillis() > until) {
                throw new IllegalStateException("topics " + names + " have partitions without a leader after 30 s");
            }
            Thread.sleep(200);
        }
    }

    /** The broker's process id (for measuring what it costs). */
    public long pid() {
        return process.pid();
    }

    /** Stops the broker process (data stays in the directory, so it can be started again). */
    @Override
    public void close() {
        stopQuietly();
    }

    private void stopQuietly() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A port free on 127.0.0.1 now (for {@link #startProxied}). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return "Kafka broker at " + bootstrapServers() + " (" + dir + File.separator + "broker.log)";
    }
}
