package io.carekpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenEventsTest {
    @Test
    void remembersEveryIdUntilTheLatestKeepUntilOfAny() {
        SeenEvents s = new SeenEvents();
        for (int i = 0; i < 1_000; i++) {
            s.add(SeenEvents.hash("e" + i), i);
        }
        assertThat(s.contains(SeenEvents.hash("e0"))).isTrue();
        assertThat(s.contains(SeenEvents.hash("e999"))).isTrue();
        assertThat(s.contains(SeenEvents.hash("e1000"))).isFalse();
        assertThat(s.until).as("the first id is kept as long as the last").isEqualTo(999);
        s.add(SeenEvents.hash("late"), 10);
        assertThat(s.until).as("never shortened").isEqualTo(999);
        assertThat(s.size).isEqualTo(1_001);
    }
}
