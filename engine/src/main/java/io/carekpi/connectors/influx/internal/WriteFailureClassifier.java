package io.carekpi.connectors.influx.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.influxdb.InfluxDBException;

/**
 * The retryable-versus-fatal decision for a failed write, by HTTP status when there is one:
 *
 * <table>
 *   <caption>classification</caption>
 *   <tr><th>failure</th><th>action</th><th>why</th></tr>
 *   <tr><td>5xx, 408, 429</td><td>retry</td><td>the server is down, overloaded or rate limiting</td></tr>
 *   <tr><td>timeout, connection refused/reset, DNS, other I/O</td><td>retry</td><td>network or server
 *       restart; a timed-out write may have been applied, and sending it again is harmless because
 *       points are idempotent</td></tr>
 *   <tr><td>400/422 "points beyond retention policy"</td><td>drop</td><td>the rest of the batch was
 *       written; those points will never be accepted</td></tr>
 *   <tr><td>other 4xx (400 bad line protocol or field type conflict, 401/403 credentials, 404
 *       database or retention policy not found, 413 batch too large)</td><td>fail</td><td>the same
 *       request fails the same way every time; retrying would hide a configuration error</td></tr>
 *   <tr><td>TLS handshake or certificate failure</td><td>fail</td><td>a configuration error</td></tr>
 * </table>
 */
public final class WriteFailureClassifier {
    private static final Pattern DROPPED = Pattern.compile("dropped=(\\d+)");
    /** Upper bound on a server's Retry-After, well below AsyncSinkWriter's 10 min request timeout. */
    static final long MAX_RETRY_AFTER_MILLIS = Duration.ofMinutes(5).toMillis();

    private WriteFailureClassifier() {}

    public static WriteFailure classify(Throwable failure) {
        InfluxHttpException http = find(failure, InfluxHttpException.class);
        if (http != null) {
            return byStatus(http);
        }
        if (find(failure, SSLHandshakeException.class) != null || find(failure, SSLPeerUnverifiedException.class) != null) {
            return fail(-1, "TLS handshake with InfluxDB failed (check the url scheme, certificates and trust store): "
                    + rootMessage(failure));
        }
        InterruptedIOException timeout = find(failure, InterruptedIOException.class);
        if (timeout != null) {
            return retry(-1, 0, "request timed out: " + rootMessage(failure));
        }
        IOException io = find(failure, IOException.class);
        if (io != null) {
            return retry(-1, 0, "I/O error talking to InfluxDB: " + rootMessage(failure));
        }
        if (failure instanceof InfluxDBException e && e.isRetryWorth()) {
            return retry(-1, 0, "InfluxDB error: " + e.getMessage());
        }
        return fail(-1, "unexpected failure writing to InfluxDB: " + rootMessage(failure));
    }

    private static WriteFailure byStatus(InfluxHttpException http) {
        int status = http.status();
        String body = http.body();
        if (status >= 500 || status == 408 || status == 429) {
            return retry(status, retryAfterMillis(http.retryAfter(), Instant.now()), "HTTP " + status + ": " + body);
        }
        if ((status == 400 || status == 422) && body.contains("beyond retention policy")) {
            Matcher m = DROPPED.matcher(body);
            long dropped = m.find() ? Long.parseLong(m.group(1)) : -1;
            return new WriteFailure(WriteFailure.Action.DROP, status, 0, dropped,
                    "InfluxDB dropped points outside the retention policy (HTTP " + status + "): " + body);
        }
        return fail(status, "HTTP " + status + " " + hint(status, body) + ": " + body);
    }

    private static String hint(int status, String body) {
        String lower = body.toLowerCase(Locale.ROOT);
        if (status == 404 || lower.contains("database not found")) {
            return "(database or retention policy not found; the sink creates nothing: create it before starting the job)";
        }
        if (status == 401 || status == 403) {
            return "(authentication or authorization failed: check the user and password or token, and write permission on the database)";
        }
        if (status == 413) {
            return "(request too large: lower the sink's maxBatchSizeInBytes or raise the server's max-body-size)";
        }
        if (lower.contains("field type conflict")) {
            return "(field type conflict: a field was written with another type earlier in this shard)";
        }
        if (status == 400) {
            return "(bad request: invalid line protocol or parameters)";
        }
        return "(client error, not retried)";
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date, in ms, capped; 0 when absent or unreadable. */
    static long retryAfterMillis(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        String h = header.strip();
        long millis;
        try {
            millis = Math.multiplyExact(Long.parseLong(h), 1000L);
        } catch (NumberFormatException | ArithmeticException notSeconds) {
            try {
                millis = Duration.between(now, ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME)).toMillis();
            } catch (DateTimeParseException unreadable) {
                return 0;
            }
        }
        return Math.max(0, Math.min(millis, MAX_RETRY_AFTER_MILLIS));
    }

    private static WriteFailure retry(int status, long retryAfterMillis, String reason) {
        return new WriteFailure(WriteFailure.Action.RETRY, status, retryAfterMillis, 0, reason);
    }

    private static WriteFailure fail(int status, String reason) {
        return new WriteFailure(WriteFailure.Action.FAIL, status, 0, 0, reason);
    }

    private static <E extends Throwable> E find(Throwable t, Class<E> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
