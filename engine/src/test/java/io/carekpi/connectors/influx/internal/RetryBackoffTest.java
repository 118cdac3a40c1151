package io.carekpi.connectors.influx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    private final RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    @RepeatedTest(20)
    void shouldDoubleTheDelayPerConsecutiveFailureWithJitterOfAtMostHalf() {
        assertThat(backoff.delayMillis(1, 0)).isBetween(100L, 200L);
        assertThat(backoff.delayMillis(2, 0)).isBetween(200L, 400L);
        assertThat(backoff.delayMillis(5, 0)).isBetween(1_600L, 3_200L);
    }

    @RepeatedTest(20)
    void shouldNeverWaitLongerThanTheMaximum() {
        assertThat(backoff.delayMillis(100, 0)).isBetween(15_000L, 30_000L);
        assertThat(backoff.delayMillis(Integer.MAX_VALUE, 0)).isBetween(15_000L, 30_000L);
    }

    @Test
    void shouldWaitAtLeastWhatTheServerAskedForInRetryAfter() {
        assertThat(backoff.delayMillis(1, 7_000)).isEqualTo(7_000L);
        assertThat(backoff.delayMillis(1, 120_000)).isEqualTo(120_000L);
    }

    @Test
    void shouldRejectAnInitialDelayAboveTheMaximum() {
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBackoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
