package io.carekpi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real standalone Flink session cluster on 127.0.0.1: a JobManager and TaskManagers as separate
 * JVM processes, started from Flink's distribution jars ({@code flink-cluster/target/lib}) the way
 * Flink's {@code jobmanager.sh} and {@code taskmanager.sh} start them: memory settings from
 * Flink's {@code BashJavaUtils}, then {@code StandaloneSessionClusterEntrypoint} and
 * {@code TaskManagerRunner} with {@code --configDir}. Jobs are the cluster jar
 * ({@code target/carekpi-cluster.jar}) uploaded and run through the REST API, as the flink image
 * and the Kubernetes operator submit it. Or, as the flink image's {@code standalone-job} and the
 * operator's application mode run it ({@link #startApplication}), the JobManager is
 * {@code StandaloneApplicationClusterEntryPoint} and runs the jar from {@code usrlib} itself.
 * Flink's plugins ({@code flink-cluster/target/plugins}: the Prometheus reporter) are there for a
 * configuration to use. Processes are killed with SIGKILL ({@code kill -9}).
 */
public final class FlinkCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    /** What Flink's distribution configures for Java 17 ({@code env.java.default-opts.all} of its config.yaml). */
    private static final String JAVA_17_OPTIONS = String.join(" ",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path home;
    private final String classpath;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int restPort;
    private final List<String> jvmOptions;
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private int started;
    /** The JobManager's entry point and what follows its {@code --configDir} and dynamic properties. */
    private String jobManagerClass = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private List<String> jobManagerArgs = List.of();
    /** Environment variables every process gets, as a container's {@code environment}. */
    private Map<String, String> environment = Map.of();

    private FlinkCluster(Path home, String classpath, int restPort, List<String> jvmOptions) {
        this.home = home;
        this.classpath = classpath;
        this.restPort = restPort;
        this.jvmOptions = jvmOptions;
    }

    /** Flink's plugins directory ({@code plugins/metrics-prometheus}), or a failure saying how to get it. */
    public static Path plugins() {
        Path plugins = Repository.path("flink-cluster/target/plugins");
        if (!Files.isDirectory(plugins.resolve("metrics-prometheus"))) {
            throw new IllegalStateException("no Flink plugins in " + plugins + ": build the module flink-cluster "
                    + "first (mvn package, or the README's test command)");
        }
        return plugins;
    }

    /** Flink's distribution jars, or a failure saying how to get them. */
    public static Path lib() {
        Path lib = Repository.path("flink-cluster/target/lib");
        try (Stream<Path> jars = Files.isDirectory(lib) ? Files.list(lib) : Stream.empty()) {
            if (jars.noneMatch(p -> p.getFileName().toString().startsWith("flink-runtime-"))) {
                throw new IllegalStateException("no Flink distribution jars in " + lib + ": build the module "
                        + "flink-cluster first (mvn package, or the README's test command)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lib;
    }

    /** The job jar a cluster runs (the engine without Flink), or a failure saying how to build it. */
    public static Path clusterJar() {
        Path jar = Repository.path("target/carekpi-cluster.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no cluster jar at " + jar + ": build the engine first (mvn package)");
        }
        return jar;
    }

    /**
     * Writes {@code home/conf/config.yaml} (the test defaults below, then {@code settings}) and
     * starts a JobManager and {@code taskManagers} TaskManagers; returns when the REST API answers
     * and every TaskManager has registered.
     */
    public static FlinkCluster start(Path home, Map<String, String> settings, int taskManagers) throws Exception {
        return start(home, settings, taskManagers, null, List.of(), Map.of());
    }

    /**
     * An application cluster, as the flink image's {@code standalone-job} starts one: {@code jar} in
     * {@code home/usrlib}, and the JobManager runs {@code StandaloneApplicationClusterEntryPoint}
     * with {@code args} ({@code --job-classname} and the program's arguments); it submits the job
     * itself. Every process gets {@code environment}. Returns when the REST API answers and every
     * TaskManager has registered.
     */
    public static FlinkCluster startApplication(Path home, Map<String, String> settings, int taskManagers, Path jar,
            List<String> args, Map<String, String> environment) throws Exception {
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("usrlib"));
        Files.copy(jar, home.resolve("usrlib").resolve(jar.getFileName()));
        return start(home, settings, taskManagers, "org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint",
                args, environment);
    }

    private static FlinkCluster start(Path home, Map<String, String> settings, int taskManagers, String jobManagerClass,
            List<String> jobManagerArgs, Map<String, String> environment) throws Exception {
        String classpath;
        try (Stream<Path> jars = Files.list(lib())) {
            classpath = String.join(":", jars.map(Path::toString).sorted().toList());
        }
        int restPort = ChildProcesses.freePort();
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("env.java.default-opts.all", JAVA_17_OPTIONS);
        conf.put("jobmanager.rpc.address", "127.0.0.1");
        conf.put("jobmanager.rpc.port", String.valueOf(ChildProcesses.freePort()));
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.host", "127.0.0.1");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.port", String.valueOf(restPort));
        // Every job submitted loads the cluster jar's classes in the JobManager (its main method
        // runs there), and some of them stay (a test class submits eight jobs): room for them.
        conf.put("jobmanager.memory.process.size", "1600m");
        conf.put("jobmanager.memory.jvm-metaspace.size", "768m");
        conf.put("taskmanager.memory.process.size", "1536m");
        conf.put("taskmanager.numberOfTaskSlots", "2");
        conf.put("parallelism.default", "2");
        // A killed TaskManager is noticed within seconds, not the default 50 s.
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "5000");
        // REST metrics as fresh as the tests read them (cached 10 s by default).
        conf.put("metrics.fetcher.update-interval", "200");
        conf.put("restart-strategy.type", "fixed-delay");
        conf.put("restart-strategy.fixed-delay.attempts", "100");
        conf.put("restart-strategy.fixed-delay.delay", "1 s");
        conf.put("io.tmp.dirs", home.resolve("tmp").toString());
        conf.put("web.upload.dir", home.resolve("upload").toString());
        conf.put("env.log.dir", home.resolve("log").toString());
        conf.putAll(settings);
        Path confDir = home.resolve("conf");
        Files.createDirectories(confDir);
        Files.createDirectories(home.resolve("tmp"));
        Files.createDirectories(home.resolve("upload"));
        Files.createDirectories(home.resolve("log"));
        StringBuilder yaml = new StringBuilder("# written by FlinkCluster for a test\n");
        conf.forEach((k, v) -> yaml.append(k).append(": ").append(quoted(v)).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml);
        Files.writeString(confDir.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.append = true",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN", ""));
        List<String> jvmOptions = new ArrayList<>();
        for (String key : List.of("env.java.default-opts.all", "env.java.opts.all")) {
            if (conf.containsKey(key)) {
                jvmOptions.addAll(List.of(conf.get(key).trim().split("\\s+")));
            }
        }
        FlinkCluster cluster = new FlinkCluster(home, classpath, restPort, jvmOptions);
        if (jobManagerClass != null) {
            cluster.jobManagerClass = jobManagerClass;
            cluster.jobManagerArgs = jobManagerArgs;
        }
        cluster.environment = environment;
        try {
            cluster.startJobManager();
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers);
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static String quoted(String v) {
        return v.matches("[A-Za-z0-9_./:-]*") ? v : "'" + v.replace("'", "''") + "'";
    }

    /** Starts the JobManager (again, after {@link #killJobManager}); returns when its REST API answers. */
    public void startJobManager() throws Exception {
        jobManager = launch("jobmanager", "GET_JM_RESOURCE_PARAMS", jobManagerClass, jobManagerArgs);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                get("/overview");
                return;
            } catch (IOException e) {
                if (!jobManager.isAlive() || System.nanoTime() > until) {
                    throw new IllegalStateException("the JobManager did not start: " + logTail("jobmanager"), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Starts one more TaskManager process. */
    public void startTaskManager() throws Exception {
        taskManagers.add(launch("taskmanager", "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", List.of()));
    }

    /** SIGKILL to the JobManager process (no shutdown hooks, nothing flushed), and waits until it is gone. */
    public void killJobManager() throws InterruptedException {
        kill(jobManager);
    }

    /** SIGKILL to every TaskManager process, and waits until they are gone. */
    public void killTaskManagers() throws InterruptedException {
        for (Process p : taskManagers) {
            kill(p);
        }
        taskManagers.clear();
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL on Linux
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + p.pid() + " survived SIGKILL");
        }
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count) throws Exception {
        await(Duration.ofSeconds(90), () -> get("/overview").path("taskmanagers").asInt() >= count,
                () -> count + " TaskManagers registered; " + logTail("taskmanager"));
    }

    /**
     * One process as Flink's scripts start it: {@code BashJavaUtils} derives the JVM memory flags
     * and the dynamic memory settings from the configuration, then the entry point runs with them.
     */
    private Process launch(String kind, String resourceCommand, String mainClass, List<String> args) throws Exception {
        Path confDir = home.resolve("conf");
        Process utils = new ProcessBuilder(java(), "-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
                resourceCommand, "--configDir", confDir.toString()).redirectErrorStream(true).start();
        String out = new String(utils.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!utils.waitFor(60, TimeUnit.SECONDS) || utils.exitValue() != 0) {
            throw new IllegalStateException("BashJavaUtils " + resourceCommand + " failed: " + out);
        }
        List<String> results = out.lines().filter(l -> l.startsWith(RESULT))
                .map(l -> l.substring(RESULT.length()).trim()).toList();
        if (results.size() < 2) {
            throw new IllegalStateException("BashJavaUtils " + resourceCommand + " gave no memory settings: " + out);
        }
        String name = kind + "-" + (++started);
        Path log = home.resolve("log").resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(List.of(results.get(0).split("\\s+")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dlog.file=" + log, "-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri(),
                "-cp", classpath, mainClass, "--configDir", confDir.toString()));
        cmd.addAll(List.of(results.get(1).split("\\s+")));
        cmd.addAll(args);
        Files.writeString(home.resolve("log").resolve(name + ".out"), String.join(" ", cmd) + "\n");
        ProcessBuilder builder = new ProcessBuilder(cmd);
        // as the scripts export them: where plugins are, and (for usrlib) where Flink's home is
        builder.environment().put("FLINK_PLUGINS_DIR", plugins().toString());
        builder.environment().put("FLINK_LIB_DIR", home.resolve("lib").toString());
        builder.environment().putAll(environment);
        Process p = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("log").resolve(name + ".out").toFile()))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "kill " + name));
        return p;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The last lines of the newest log of each process of that kind (for failure messages). */
    public String logTail(String kind) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> logs = Files.list(home.resolve("log"))) {
            for (Path p : logs.filter(p -> p.getFileName().toString().startsWith(kind)).sorted().toList()) {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                sb.append("\n--- ").append(p.getFileName()).append(" ---\n");
                lines.stream().skip(Math.max(0, lines.size() - 25)).forEach(l -> sb.append(l).append('\n'));
            }
        } catch (IOException e) {
            sb.append("(logs unreadable: ").append(e).append(')');
        }
        return sb.toString();
    }

    // ---- REST ----

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + r.statusCode() + " from " + r.uri() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    /** Uploads {@code jar} (POST /jars/upload) and returns its id. */
    public String upload(Path jar) throws IOException, InterruptedException {
        String boundary = "----carekpi" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail));
        JsonNode r = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body));
        String file = r.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /**
     * Runs an uploaded jar (POST /jars/:id/run) with its main class and arguments, from a savepoint
     * or retained checkpoint unless {@code restoreFrom} is null; returns the job id.
     */
    public String run(String jarId, String entryClass, List<String> args, int parallelism, String restoreFrom)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        body.putPOJO("programArgsList", args);
        body.put("parallelism", parallelism);
        if (restoreFrom != null) {
            body.put("savepointPath", restoreFrom);
        }
        return post("/jars/" + jarId + "/run", body).path("jobid").asText();
    }

    public String jobStatus(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** The job's checkpoint statistics (GET /jobs/:id/checkpoints). */
    public JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** The number of checkpoints of the job completed so far. */
    public long completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return checkpoints(jobId).path("counts").path("completed").asLong();
    }

    /** Triggers a checkpoint (POST /jobs/:id/checkpoints) and returns at once. */
    public void triggerCheckpoint(String jobId) throws IOException, InterruptedException {
        post("/jobs/" + jobId + "/checkpoints", JSON.createObjectNode());
    }

    /**
     * Stops the job with a savepoint in {@code dir} (POST /jobs/:id/stop; {@code drain} fires every
     * window and timer first, as the end of a replay does) and returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, Path dir, boolean drain) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", dir.toUri().toString());
        body.put("drain", drain);
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        JsonNode[] result = new JsonNode[1];
        await(Duration.ofMinutes(2), () -> {
            result[0] = get("/jobs/" + jobId + "/savepoints/" + trigger);
            return "COMPLETED".equals(result[0].path("status").path("id").asText());
        }, () -> "the savepoint of " + jobId + ": " + result[0] + logTail("jobmanager"));
        JsonNode op = result[0].path("operation");
        if (op.has("failure-cause")) {
            throw new IllegalStateException("stop with savepoint failed: " + op.path("failure-cause"));
        }
        awaitStatus(jobId, "FINISHED"::equals, Duration.ofMinutes(1));
        return op.path("location").asText();
    }

    /** Cancels the job (PATCH /jobs/:id) and waits until it is cancelled. */
    public void cancel(String jobId) throws Exception {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        awaitStatus(jobId, "CANCELED"::equals, Duration.ofMinutes(1));
    }

    /** Waits until the job's status satisfies {@code wanted}. */
    public void awaitStatus(String jobId, Predicate<String> wanted, Duration timeout) throws Exception {
        String[] last = new String[1];
        await(timeout, () -> {
            try {
                last[0] = jobStatus(jobId);
            } catch (IOException e) {
                last[0] = e.getMessage(); // the JobManager restarting
                return false;
            }
            return wanted.test(last[0]);
        }, () -> "job " + jobId + " is " + last[0] + logTail("jobmanager"));
    }

    /**
     * Polls {@code done} every 100 ms until it holds, or fails with {@code what}. An I/O error of the
     * check counts as "not yet" (a JobManager starting or recovering its jobs answers with errors).
     */
    public static void await(Duration timeout, Check done, java.util.concurrent.Callable<String> what)
            throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (true) {
            try {
                if (done.holds()) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            if (System.nanoTime() > until) {
                String description;
                try {
                    description = what.call();
                } catch (Exception e) {
                    description = "(" + e + ")";
                }
                AssertionError failure = new AssertionError("timed out after " + timeout + " waiting for " + description);
                if (last != null) {
                    failure.addSuppressed(last);
                }
                throw failure;
            }
            Thread.sleep(100);
        }
    }

    /** A condition that may need the network. */
    public interface Check {
        boolean holds() throws Exception;
    }


    @Override
    public void close() {
        List<Process> all = new ArrayList<>(taskManagers);
        if (jobManager != null) {
            all.add(jobManager);
        }
        all.forEach(Process::destroyForcibly);
        for (Process p : all) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
