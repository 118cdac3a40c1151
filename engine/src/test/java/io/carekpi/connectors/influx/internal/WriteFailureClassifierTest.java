package io.carekpi.connectors.influx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.carekpi.connectors.influx.InfluxConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.influxdb.InfluxDB;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The classification of real failures of the official client: a tiny HTTP server answers the
 * way InfluxDB does, and the exception the client throws is classified.
 */
class WriteFailureClassifierTest {
    private HttpServer server;
    private final AtomicReference<Answer> answer = new AtomicReference<>(new Answer(204, "", null, 0));
    private final AtomicReference<String> lastQuery = new AtomicReference<>();
    private final AtomicReference<String> lastBody = new AtomicReference<>();

    private record Answer(int status, String body, String retryAfter, long delayMillis) {}

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            lastQuery.set(exchange.getRequestURI().getRawQuery());
            lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Answer a = answer.get();
            if (a.delayMillis() > 0) {
                try {
                    Thread.sleep(a.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (a.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void shouldWriteLinesToV1WriteWithoutPrecisionOrConsistencyParameters() {
        answer.set(new Answer(204, "", null, 0));

        assertThat(write(url())).isNull();
        assertThat(lastQuery.get()).isEqualTo("db=carekpi");
        assertThat(lastBody.get()).isEqualTo("m,t=a v=1i 1\nm,t=b v=2i 2");
    }

    @Test
    void shouldRetryServerErrors() {
        for (int status : new int[] {500, 502, 503, 504}) {
            answer.set(new Answer(status, "{\"error\":\"engine: cache-max-memory-size exceeded\"}", null, 0));

            WriteFailure f = WriteFailureClassifier.classify(write(url()));

            assertThat(f.action()).as("HTTP %d", status).isEqualTo(WriteFailure.Action.RETRY);
            assertThat(f.httpStatus()).isEqualTo(status);
        }
    }

    @Test
    void shouldRetryRateLimitingAfterTheServersRetryAfter() {
        answer.set(new Answer(429, "{\"error\":\"too many requests\"}", "7", 0));

        WriteFailure f = WriteFailureClassifier.classify(write(url()));

        assertThat(f.action()).isEqualTo(WriteFailure.Action.RETRY);
        assertThat(f.retryAfterMillis()).isEqualTo(7_000L);
    }

    @Test
    void shouldRetryARequestTimeoutAnswer() {
        answer.set(new Answer(408, "", null, 0));

        assertThat(WriteFailureClassifier.classify(write(url())).action()).isEqualTo(WriteFailure.Action.RETRY);
    }

    @Test
    void shouldRetryWhenNobodyListens() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }

        WriteFailure f = WriteFailureClassifier.classify(write("http://127.0.0.1:" + closedPort));

        assertThat(f.action()).isEqualTo(WriteFailure.Action.RETRY);
        assertThat(f.reason()).contains("ConnectException");
    }

    @Test
    void shouldRetryWhenTheServerDoesNotAnswerInTime() {
        answer.set(new Answer(204, "", null, 1_500));

        WriteFailure f = WriteFailureClassifier.classify(write(url(), Duration.ofMillis(300)));

        assertThat(f.action()).isEqualTo(WriteFailure.Action.RETRY);
        assertThat(f.reason()).contains("timed out");
    }

    @Test
    void shouldFailOnBadLineProtocol() {
        answer.set(new Answer(400, "{\"error\":\"unable to parse 'm v=1x': invalid number\"}", null, 0));

        WriteFailure f = WriteFailureClassifier.classify(write(url()));

        assertThat(f.action()).isEqualTo(WriteFailure.Action.FAIL);
        assertThat(f.httpStatus()).isEqualTo(400);
        assertThat(f.reason()).contains("invalid line protocol").contains("unable to parse");
    }

    @Test
    void shouldFailOnAFieldTypeConflict() {
        answer.set(new Answer(400, "{\"error\":\"partial write: field type conflict: input field \\\"opened\\\" "
                + "on measurement \\\"care_kpi\\\" is type float, already exists as type integer dropped=1\"}", null, 0));

        WriteFailure f = WriteFailureClassifier.classify(write(url()));

        assertThat(f.action()).isEqualTo(WriteFailure.Action.FAIL);
        assertThat(f.reason()).contains("field type conflict");
    }

    @Test
    void shouldFailOnWrongCredentials() {
        for (int status : new int[] {401, 403}) {
            answer.set(new Answer(status, "{\"error\":\"authorization failed\"}", null, 0));

            WriteFailure f = WriteFailureClassifier.classify(write(url()));

            assertThat(f.action()).as("HTTP %d", status).isEqualTo(WriteFailure.Action.FAIL);
            assertThat(f.reason()).contains("user and password or token");
        }
    }

    @Test
    void shouldFailOnAMissingDatabaseSayingTheSinkCreatesNothing() {
        answer.set(new Answer(404, "{\"error\":\"database not found: \\\"carekpi\\\"\"}", null, 0));

        WriteFailure f = WriteFailureClassifier.classify(write(url()));

        assertThat(f.action()).isEqualTo(WriteFailure.Action.FAIL);
        assertThat(f.httpStatus()).isEqualTo(404);
        assertThat(f.reason()).contains("database not found").contains("create it before starting the job");
    }

    @Test
    void shouldFailOnATooLargeBatchPointingAtTheBatchSizeOption() {
        answer.set(new Answer(413, "{\"error\":\"Request Entity Too Large\"}", null, 0));

        assertThat(WriteFailureClassifier.classify(write(url())).reason()).contains("maxBatchSizeInBytes");
    }

    @Test
    void shouldDropPointsOutsideTheRetentionPolicyAndCountThem() {
        answer.set(new Answer(400, "{\"error\":\"partial write: points beyond retention policy dropped=3\"}", null, 0));

        WriteFailure f = WriteFailureClassifier.classify(write(url()));

        assertThat(f.action()).isEqualTo(WriteFailure.Action.DROP);
        assertThat(f.droppedPoints()).isEqualTo(3);
    }

    @Test
    void shouldFailOnFailuresItDoesNotKnow() {
        assertThat(WriteFailureClassifier.classify(new IllegalArgumentException("boom")).action())
                .isEqualTo(WriteFailure.Action.FAIL);
    }

    @Test
    void shouldReadRetryAfterAsSecondsOrHttpDateAndCapIt() {
        Instant now = Instant.parse("2024-03-01T10:00:00Z");

        assertThat(WriteFailureClassifier.retryAfterMillis("3", now)).isEqualTo(3_000);
        assertThat(WriteFailureClassifier.retryAfterMillis("Fri, 01 Mar 2024 10:00:10 GMT", now)).isEqualTo(10_000);
        assertThat(WriteFailureClassifier.retryAfterMillis("86400", now))
                .isEqualTo(WriteFailureClassifier.MAX_RETRY_AFTER_MILLIS);
        assertThat(WriteFailureClassifier.retryAfterMillis("soon", now)).isZero();
        assertThat(WriteFailureClassifier.retryAfterMillis(null, now)).isZero();
        assertThat(WriteFailureClassifier.retryAfterMillis("-5", now)).isZero();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static Exception write(String url) {
        return write(url, Duration.ofSeconds(5));
    }

    /** Writes two lines as the sink does; returns what the client threw, or null. */
    private static Exception write(String url, Duration readTimeout) {
        InfluxConnection connection = InfluxConnection.of(url, "carekpi").withTimeouts(Duration.ofSeconds(2), readTimeout);
        InfluxDB client = InfluxClients.connect(connection);
        try {
            client.write("carekpi", null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.NANOSECONDS, "m,t=a v=1i 1\nm,t=b v=2i 2");
            return null;
        } catch (Exception e) {
            return e;
        } finally {
            client.close();
        }
    }
}
