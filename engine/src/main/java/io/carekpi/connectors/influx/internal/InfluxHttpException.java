package io.carekpi.connectors.influx.internal;

import java.io.IOException;

/**
 * An HTTP answer of status 400 or above, with its status, body and {@code Retry-After}. The
 * official client reduces such answers to an exception carrying only the error text; this one,
 * thrown by {@link InfluxHttpStatusInterceptor}, keeps the status so that errors are classified by
 * status, not by parsing messages. It reaches the caller as the cause of the client's
 * {@code InfluxDBIOException}.
 */
public final class InfluxHttpException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;
    private final String retryAfter;

    public InfluxHttpException(int status, String method, String path, String body, String retryAfter) {
        super("HTTP " + status + " from " + method + " " + path + ": " + body);
        this.status = status;
        this.body = body;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    /** The response body (InfluxDB: {@code {"error":"..."}}), at most 64 KiB of it. */
    public String body() {
        return body;
    }

    /** The raw {@code Retry-After} header, or null. */
    public String retryAfter() {
        return retryAfter;
    }
}
