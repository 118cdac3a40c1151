package io.carekpi.connectors.influx.internal;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between attempts of a failed batch: the n-th consecutive
 * failure waits a random time in [d/2, d] with d = min(initial * 2^(n-1), max), and at least the
 * server's {@code Retry-After}. The jitter keeps the subtasks of a job (and several jobs) from
 * hammering a recovering InfluxDB in lockstep.
 *
 * @param initial delay after the first failure
 * @param max largest delay between attempts (a {@code Retry-After} may exceed it)
 */
public record RetryBackoff(Duration initial, Duration max) implements Serializable {

    public RetryBackoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("Retry backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** Delay in ms before the attempt after {@code consecutiveFailures} (1 or more) failures. */
    public long delayMillis(int consecutiveFailures, long retryAfterMillis) {
        int exponent = Math.min(Math.max(consecutiveFailures, 1) - 1, 30);
        long ceiling = Math.min(max.toMillis(), initial.toMillis() * (1L << exponent));
        long jittered = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
        return Math.max(jittered, retryAfterMillis);
    }
}
