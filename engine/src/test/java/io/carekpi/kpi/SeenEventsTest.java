package io.carekpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenEventsTest {
    @Test
    void remembersIdsUntilTheirTimeAndForgetsThemAfter() {
        SeenEvents s = new SeenEvents();
        for (int i = 0; i < 1_000; i++) {
            s.add(SeenEvents.hash("e" + i), i);
        }
        assertThat(s.contains(SeenEvents.hash("e999"))).isTrue();
        assertThat(s.contains(SeenEvents.hash("e1000"))).isFalse();
        assertThat(s.forgetUntil(989)).isEqualTo(990);
        assertThat(s.size).isEqualTo(10);
        assertThat(s.contains(SeenEvents.hash("e5"))).isFalse();
        assertThat(s.contains(SeenEvents.hash("e995"))).isTrue();
        assertThat(s.hashes.length).as("memory given back").isLessThan(64);
        assertThat(s.forgetUntil(Long.MAX_VALUE - 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(s.isEmpty()).isTrue();
    }
}
