package io.carekpi.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

/**
 * The few calls of Flink's REST API the benchmarks use on a local (MiniCluster) job: trigger a
 * checkpoint or a canonical savepoint and read its statistics as Flink reports them.
 */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    private FlinkRest(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Makes the local environment's REST endpoint listen on a free port of 127.0.0.1, and returns a client for it. */
    static FlinkRest onFreePort(Configuration conf) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, String.valueOf(port));
        conf.set(RestOptions.PORT, port);
        return new FlinkRest(port);
    }

    /** Statistics of one completed checkpoint. */
    record Checkpoint(long id, long stateSize, long checkpointedSize, long durationMs,
                      Map<String, Long> stateSizeByVertex) {}

    /** Triggers a full checkpoint, waits for it and returns its statistics. */
    Checkpoint checkpoint(JobID job, Duration timeout) throws Exception {
        return checkpoint(job, "FULL", timeout);
    }

    /**
     * Triggers a checkpoint of {@code type} ({@code FULL}, or {@code CONFIGURED}: incremental when the
     * job's checkpoints are; Flink 2.2 refuses {@code INCREMENTAL} here, FLINK-33723), waits for it and
     * returns its statistics.
     */
    Checkpoint checkpoint(JobID job, String type, Duration timeout) throws Exception {
        String trigger = post("/jobs/" + job + "/checkpoints", "{\"checkpointType\":\"" + type + "\"}")
                .path("request-id").asText();
        long until = System.nanoTime() + timeout.toNanos();
        long id = completed("/jobs/" + job + "/checkpoints/" + trigger, until, "checkpoint " + trigger)
                .path("checkpointId").asLong();
        return statistics(job, id, until);
    }

    /**
     * Takes a savepoint in Flink's canonical format (every live state entry in Flink's own serialized
     * form, whatever the backend) into {@code dir}, the job going on, and returns its statistics.
     */
    Checkpoint canonicalSavepoint(JobID job, String dir, Duration timeout) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("target-directory", dir).put("cancel-job", false)
                .put("formatType", "CANONICAL");
        String trigger = post("/jobs/" + job + "/savepoints", JSON.writeValueAsString(body)).path("request-id").asText();
        long until = System.nanoTime() + timeout.toNanos();
        String location = completed("/jobs/" + job + "/savepoints/" + trigger, until, "savepoint " + trigger)
                .path("location").asText();
        // its id, once the (cached) checkpoint history lists it
        JsonNode latest = get("/jobs/" + job + "/checkpoints").path("latest").path("savepoint");
        while (!location.equals(latest.path("external_path").asText())) {
            pause(until, "savepoint " + location + " in the checkpoint history");
            latest = get("/jobs/" + job + "/checkpoints").path("latest").path("savepoint");
        }
        return statistics(job, latest.path("id").asLong(), until);
    }

    /** Polls an asynchronous operation until it completes; returns its result, fails with its failure. */
    private JsonNode completed(String path, long until, String what) throws Exception {
        while (true) {
            JsonNode status = get(path);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause")) {
                    throw new IllegalStateException(what + " failed: " + op.path("failure-cause"));
                }
                return op;
            }
            pause(until, what);
        }
    }

    /** The statistics of a completed checkpoint or savepoint, with its state size per vertex by name. */
    private Checkpoint statistics(JobID job, long id, long until) throws Exception {
        Map<String, String> names = vertexNames(job);
        while (true) {
            JsonNode d = getOrNull("/jobs/" + job + "/checkpoints/details/" + id);
            if (d != null && "COMPLETED".equals(d.path("status").asText())) {
                Map<String, Long> byVertex = new LinkedHashMap<>();
                d.path("tasks").fields().forEachRemaining(e -> byVertex.merge(
                        names.getOrDefault(e.getKey(), e.getKey()), e.getValue().path("state_size").asLong(), Long::sum));
                return new Checkpoint(id, d.path("state_size").asLong(), d.path("checkpointed_size").asLong(),
                        d.path("end_to_end_duration").asLong(), byVertex);
            }
            pause(until, "statistics of checkpoint " + id);
        }
    }

    private static void pause(long until, String what) throws InterruptedException {
        if (System.nanoTime() > until) {
            throw new IllegalStateException("timed out waiting for " + what);
        }
        Thread.sleep(200);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        JsonNode n = getOrNull(path);
        if (n == null) {
            throw new IOException("GET " + path + " failed");
        }
        return n;
    }

    private JsonNode getOrNull(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    private JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The job's vertices, id to name, in the job graph's order. */
    private Map<String, String> vertexNames(JobID job) throws IOException, InterruptedException {
        Map<String, String> names = new LinkedHashMap<>();
        for (JsonNode v : get("/jobs/" + job).path("vertices")) {
            names.put(v.path("id").asText(), v.path("name").asText());
        }
        return names;
    }

    /** A client for a REST endpoint already listening on {@code port} of 127.0.0.1. */
    static FlinkRest onPort(int port) {
        return new FlinkRest(port);
    }

    /**
     * Each vertex's name and the lowest input watermark of its subtasks (Long.MIN_VALUE while any
     * has none): where in the job event time is held back.
     */
    Map<String, Long> inputWatermarks(JobID job) throws IOException, InterruptedException {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (var v : vertexNames(job).entrySet()) {
            long min = Long.MAX_VALUE;
            JsonNode marks = get("/jobs/" + job + "/vertices/" + v.getKey() + "/watermarks");
            for (JsonNode m : marks) {
                min = Math.min(min, m.path("value").asLong(Long.MIN_VALUE));
            }
            out.put(v.getValue(), marks.isEmpty() ? Long.MIN_VALUE : min);
        }
        return out;
    }

    /**
     * What the job's sources have yet to read: the sum over every source subtask of Flink's
     * standard {@code pendingRecords} (for Kafka, the consumers' lag behind the partitions' ends at
     * their last fetch); -1 when no source reports it.
     */
    long pendingRecords(JobID job) throws IOException, InterruptedException {
        // the REST metric store fills on the first requests after a while: ask again for a few seconds
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        long pending = pendingRecordsOnce(job);
        while (pending < 0 && System.nanoTime() < until) {
            Thread.sleep(250);
            pending = pendingRecordsOnce(job);
        }
        return pending;
    }

    private long pendingRecordsOnce(JobID job) throws IOException, InterruptedException {
        long total = 0;
        boolean reported = false;
        for (String vertex : vertexNames(job).keySet()) {
            String metrics = "/jobs/" + job + "/vertices/" + vertex + "/subtasks/metrics";
            java.util.List<String> names = new java.util.ArrayList<>();
            for (JsonNode m : get(metrics)) {
                String name = m.path("id").asText();
                if (name.endsWith(".pendingRecords")) {
                    names.add(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            if (!names.isEmpty()) {
                for (JsonNode m : get(metrics + "?get=" + String.join(",", names) + "&agg=sum")) {
                    total += (long) m.path("sum").asDouble();
                    reported = true;
                }
            }
        }
        return reported ? total : -1;
    }

    /**
     * Where the job's retained checkpoints spent their time, per vertex (the slowest subtask of
     * each phase), as CSV lines {@code checkpoint,trigger_ms,vertex,start_delay_ms,alignment_ms,sync_ms,async_ms,ack_ms,state_bytes}:
     * with {@code ack_ms} the last acknowledgement after the trigger and {@code state_bytes} the vertex's state.
     */
    String checkpointPhases(JobID job) throws IOException, InterruptedException {
        StringBuilder out = new StringBuilder("checkpoint,trigger_ms,vertex,start_delay_ms,alignment_ms,sync_ms,async_ms,ack_ms,state_bytes\n");
        Map<String, String> names = vertexNames(job);
        for (JsonNode c : get("/jobs/" + job + "/checkpoints").path("history")) {
            long id = c.path("id").asLong();
            long trigger = c.path("trigger_timestamp").asLong();
            for (var v : names.entrySet()) {
                JsonNode d = getOrNull("/jobs/" + job + "/checkpoints/details/" + id + "/subtasks/" + v.getKey());
                if (d == null) {
                    continue;
                }
                JsonNode sum = d.path("summary");
                out.append(id).append(',').append(trigger).append(",\"").append(v.getValue().replace('"', '\'')).append("\",")
                        .append(sum.path("start_delay").path("max").asLong()).append(',')
                        .append(sum.path("alignment").path("duration").path("max").asLong()).append(',')
                        .append(sum.path("checkpoint_duration").path("sync").path("max").asLong()).append(',')
                        .append(sum.path("checkpoint_duration").path("async").path("max").asLong()).append(',')
                        .append(d.path("latest_ack_timestamp").asLong() - trigger).append(',')
                        .append(d.path("state_size").asLong()).append('\n');
            }
        }
        return out.toString();
    }
}
