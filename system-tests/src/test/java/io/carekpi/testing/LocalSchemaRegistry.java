package io.carekpi.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real schema registry on 127.0.0.1: Apicurio Registry (the module {@code schema-registry},
 * built with the tests) as a child process with in-memory storage. It serves Apicurio's own API,
 * which its serdes speak ({@link #url()}), and the Confluent-compatible one that Confluent's
 * deserializers, Kafka Connect and ksqlDB speak ({@link #confluentApi()}).
 *
 * <p>When the module was not built this fails, saying how to build it (it never skips).
 */
public final class LocalSchemaRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private LocalSchemaRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The runnable registry the module {@code schema-registry} builds. */
    static Path runner() throws IOException {
        Path target = Repository.path("schema-registry/target");
        try (Stream<Path> files = Files.isDirectory(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no schema registry in " + target + ": build the "
                            + "module schema-registry first (mvn verify, or the README's test command)"));
        }
    }

    public static LocalSchemaRegistry start(Path dir) throws Exception {
        Path jar = runner();
        int port = ChildProcesses.freePort();
        Files.createDirectories(dir);
        Path log = dir.resolve("schema-registry.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port, "-jar", jar.toString());
        // In-memory H2, as Apicurio runs by default; writers that meet (several sink subtasks
        // registering their topic's schema at once) wait for each other's locks instead of failing
        // after H2's default second, as a registry on a server database does.
        builder.environment().put("REGISTRY_DATASOURCE_URL", "jdbc:h2:mem:registry_db;LOCK_TIMEOUT=30000");
        Process p = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "kill schema registry"));
        LocalSchemaRegistry registry = new LocalSchemaRegistry(p, port, log);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(registry.base() + "/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return registry;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > until) {
                registry.close();
                throw new IllegalStateException("the schema registry did not start: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Apicurio's own API, which its serdes speak: what {@code run --schema-registry-url} takes. */
    public String url() {
        return base() + "/apis/registry/v2";
    }

    /** The Confluent-compatible API ({@code /subjects}, {@code /schemas/ids/ID}). */
    public String confluentApi() {
        return base() + "/apis/ccompat/v7";
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
