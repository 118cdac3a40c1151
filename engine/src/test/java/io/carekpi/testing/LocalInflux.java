package io.carekpi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real InfluxDB 1.x ({@code influxd} of Debian's {@code influxdb} package) for tests, as a child
 * process on 127.0.0.1 with its own configuration, data, meta and WAL directories in a temporary
 * directory, no authentication, reporting disabled. It can be stopped and started again on the
 * same port and data (to test a sink against an InfluxDB that is down, then back), and is killed
 * on JVM exit if a test forgets to close it.
 *
 * <pre>{@code
 * try (LocalInflux influx = LocalInflux.started()) {
 *     influx.createDatabase("carekpi");
 *     ... influx.url() ...
 * }
 * }</pre>
 *
 * <p>When {@code influxd} is not installed this fails (it never skips): run {@code bin/test},
 * which installs it, or {@code apt-get install -y influxdb}. {@code INFLUXD} may point to another
 * 1.x binary.
 */
public final class LocalInflux implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Path binary;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int httpPort;
    private final int rpcPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread shutdownHook;
    private Process process;

    private LocalInflux(Path binary) throws IOException {
        this.binary = binary;
        this.dir = Files.createTempDirectory("local-influx-");
        this.config = dir.resolve("influxdb.conf");
        this.log = dir.resolve("influxd.log");
        int[] ports = freePorts(2);
        this.httpPort = ports[0];
        this.rpcPort = ports[1];
        Files.writeString(config, config(dir, httpPort, rpcPort));
        this.shutdownHook = new Thread(this::kill, "local-influx-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A configured but not yet running InfluxDB: its port and URL are fixed from now on. */
    public static LocalInflux create() {
        try {
            return new LocalInflux(influxd());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare a local InfluxDB", e);
        }
    }

    /** A running InfluxDB (answering {@code /ping}). */
    public static LocalInflux started() {
        LocalInflux influx = create();
        try {
            return influx.start();
        } catch (RuntimeException e) {
            influx.close();
            throw e;
        }
    }

    /** Starts {@code influxd} (again, on the same port and data) and waits until it answers. */
    public synchronized LocalInflux start() {
        if (isRunning()) {
            return this;
        }
        try {
            process = new ProcessBuilder(binary.toString(), "run", "-config", config.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + binary, e);
        }
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("influxd exited with " + process.exitValue() + " on start; log:\n" + logTail());
            }
            if (ping()) {
                return this;
            }
            sleep(100);
        }
        kill();
        throw new IllegalStateException("influxd did not answer /ping on port " + httpPort + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s; log:\n" + logTail());
    }

    /** Stops {@code influxd} (SIGTERM, then SIGKILL after 15 s), keeping its data for a restart. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** {@code CREATE DATABASE} (idempotent in InfluxDB 1.x). */
    public void createDatabase(String name) {
        query("CREATE DATABASE \"" + name.replace("\"", "\\\"") + "\"");
    }

    public void dropDatabase(String name) {
        query("DROP DATABASE \"" + name.replace("\"", "\\\"") + "\"");
    }

    /** POSTs one InfluxQL statement and returns the JSON answer; fails on an HTTP or InfluxQL error. */
    public String query(String influxQl) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/query"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + URLEncoder.encode(influxQl, StandardCharsets.UTF_8)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || response.body().contains("\"error\"")) {
                throw new IllegalStateException("InfluxQL '" + influxQl + "' failed: HTTP " + response.statusCode()
                        + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("InfluxQL '" + influxQl + "' failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public Path directory() {
        return dir;
    }

    /** Stops {@code influxd} and deletes its directory. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        deleteRecursively(dir);
    }

    /**
     * The {@code influxd} binary ({@code INFLUXD}, else on the PATH, else /usr/bin), checked to be
     * InfluxDB 1.x; fails with the way to install it.
     */
    public static Path influxd() {
        String override = System.getenv("INFLUXD");
        Path binary = override != null && !override.isBlank() ? Path.of(override) : findOnPath("influxd");
        if (binary == null || !Files.isExecutable(binary)) {
            throw new IllegalStateException("influxd (InfluxDB 1.x) is not installed"
                    + (override != null ? " at INFLUXD=" + override : "")
                    + ". The InfluxDB tests need a real server: run bin/test (which installs it), "
                    + "or apt-get install -y influxdb (Debian's InfluxDB 1.x), or bin/influxdb install.");
        }
        String version = version(binary);
        if (!version.contains("v1.")) {
            throw new IllegalStateException(binary + " is not InfluxDB 1.x (" + version.strip()
                    + "); install Debian's influxdb package or set INFLUXD to a 1.x influxd");
        }
        return binary;
    }

    private static Path findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin:/usr/sbin";
        for (String entry : path.split(":")) {
            if (!entry.isEmpty()) {
                Path candidate = Path.of(entry, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + binary + " version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String config(Path dir, int httpPort, int rpcPort) {
        return String.join("\n", List.of(
                "# Generated by LocalInflux: a throw-away InfluxDB 1.x for tests.",
                "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + rpcPort + "\"",
                "",
                "[meta]",
                "  dir = \"" + dir.resolve("meta") + "\"",
                "",
                "[data]",
                "  dir = \"" + dir.resolve("data") + "\"",
                "  wal-dir = \"" + dir.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "",
                "[http]",
                "  enabled = true",
                "  bind-address = \"127.0.0.1:" + httpPort + "\"",
                "  auth-enabled = false",
                "  log-enabled = false",
                "",
                "[monitor]",
                "  store-enabled = false",
                "",
                "[continuous_queries]",
                "  enabled = false",
                "",
                "[subscriber]",
                "  enabled = false",
                "",
                "[logging]",
                "  level = \"warn\"",
                ""));
    }

    private boolean ping() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/ping"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 204;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is not worth failing a test for
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
