package io.carekpi.connectors.influx;

/**
 * InfluxDB refused a write in a way that retrying cannot fix (a 4xx other than 408/429: bad line
 * protocol or field type conflict, wrong credentials, missing database or retention policy, batch
 * too large), or the client failed in a way the sink does not know how to recover from. Thrown
 * on the task thread, it fails the job; the message names the cause and the fix.
 */
public class InfluxSinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public InfluxSinkException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status InfluxDB answered with, or -1 when the failure was not an HTTP answer. */
    public int httpStatus() {
        return httpStatus;
    }
}
