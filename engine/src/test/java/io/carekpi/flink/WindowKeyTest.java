package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowKeyTest {
    private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();

    @Test
    void decodingTheStoredFormGivesBackTheSameKey() {
        for (long start : new long[] {T0, 0, -60_000, Long.MAX_VALUE / 32, Long.MIN_VALUE / 32}) {
            for (int size = 0; size < WindowKey.MAX_SIZES; size++) {
                WindowKey key = new WindowKey(size, start);
                assertThat(WindowKey.decode(key.encode())).as("%s", key).isEqualTo(key);
            }
        }
    }

    @Test
    void theStoredFormIsTheOneSavepointsHold() {
        // The v1 job stored start * 16 + size index; restoring its savepoints relies on it.
        assertThat(new WindowKey(2, T0).encode()).isEqualTo(T0 * 16 + 2);
        assertThat(WindowKey.decode(T0 * 16 + 1)).isEqualTo(new WindowKey(1, T0));
        assertThat(WindowKey.decode(-60_000L * 16 + 3)).as("before 1970").isEqualTo(new WindowKey(3, -60_000));
    }

    @Test
    void aSizeIndexOutsideTheEncodingIsRefused() {
        assertThatThrownBy(() -> new WindowKey(WindowKey.MAX_SIZES, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WindowKey(-1, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
