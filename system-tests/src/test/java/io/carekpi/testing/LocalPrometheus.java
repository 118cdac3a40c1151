package io.carekpi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server ({@code prometheus} of Debian's package) on 127.0.0.1 with a given
 * configuration file and its own storage in a temporary directory, for the metrics tests: what it
 * scraped is read back through its HTTP API ({@code /api/v1/query}), as Grafana reads it.
 *
 * <p>When {@code prometheus} is not installed this fails (it never skips): run {@code bin/test},
 * which installs it, or {@code apt-get install -y prometheus}. {@code PROMETHEUS} may point to
 * another binary.
 */
public final class LocalPrometheus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalPrometheus(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts Prometheus with {@code config} (a prometheus.yml) and returns once it is ready. */
    public static LocalPrometheus start(Path dir, String config) throws Exception {
        String binary = System.getenv().getOrDefault("PROMETHEUS", "prometheus");
        if (System.getenv("PROMETHEUS") == null && !onPath(binary)) {
            throw new IllegalStateException("prometheus is not installed: run bin/test (it installs Debian's "
                    + "prometheus package) or apt-get install -y prometheus");
        }
        Files.createDirectories(dir.resolve("data"));
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        int port = ChildProcesses.freePort();
        Process p = new ProcessBuilder(binary, "--config.file=" + file, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "kill prometheus"));
        LocalPrometheus prometheus = new LocalPrometheus(p, port, dir);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (prometheus.get("/-/ready").statusCode() == 200) {
                    return prometheus;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > until) {
                prometheus.close();
                throw new IllegalStateException("prometheus did not start: " + prometheus.log());
            }
            Thread.sleep(200);
        }
    }

    private static boolean onPath(String binary) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return false;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The result of an instant PromQL query ({@code data.result}: a vector's series); a query
     * Prometheus rejects fails with its error.
     */
    public JsonNode query(String promQl) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !body.path("status").asText().equals("success")) {
            throw new AssertionError("Prometheus rejected " + promQl + ": " + r.body());
        }
        return body.path("data").path("result");
    }

    /** The scrape targets and their health ({@code /api/v1/targets}'s active targets). */
    public List<JsonNode> targets() throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(get("/api/v1/targets").body()).path("data").path("activeTargets").forEach(out::add);
        return out;
    }

    /** The server's log, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
