package io.carekpi.connectors.influx.internal;

/**
 * What to do about a failed write, as decided by {@link WriteFailureClassifier}.
 *
 * @param action retry, drop or fail
 * @param httpStatus the HTTP status, or -1 when there was no HTTP answer
 * @param retryAfterMillis the server's {@code Retry-After} in ms, or 0
 * @param droppedPoints for {@link Action#DROP}: points InfluxDB reported as dropped, or -1 if unknown
 * @param reason one sentence for logs and exception messages
 */
public record WriteFailure(Action action, int httpStatus, long retryAfterMillis, long droppedPoints, String reason) {

    public enum Action {
        /** Transient (5xx, 408, 429, timeout, connection refused or reset): send the batch again later. */
        RETRY,
        /**
         * InfluxDB wrote the batch except points outside the retention policy, and would refuse those
         * forever: count them and go on (failing would only make the job crash-loop on replay).
         */
        DROP,
        /** Not fixable by retrying (other 4xx, TLS, unknown): fail the job with a clear message. */
        FAIL
    }
}
