package io.carekpi.kpi.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WrapUpsTest {
    private static final long MAX = 1_800_000;
    private final WrapUps wrapUps = new WrapUps();

    @Test
    void shouldKeepOneWrapUpPerAgentWhoseFirstStartCounts() {
        wrapUps.start("alice", 10);
        wrapUps.start("alice", 20);
        wrapUps.start(null, 30);
        assertThat(wrapUps.open).extracting(w -> w.agent + "@" + w.startedAt).containsExactly("alice@10", "null@30");
    }

    @Test
    void shouldEndOnlyTheWrapUpOfItsAgent() {
        wrapUps.start("alice", 10);
        wrapUps.start("bob", 20);
        assertThat(wrapUps.end("carol")).isNull();
        WrapUps.OpenWrapUp ended = wrapUps.end("bob");
        assertThat(ended.startedAt).isEqualTo(20);
        assertThat(wrapUps.open).extracting(w -> w.agent).containsExactly("alice");
    }

    @Test
    void shouldCountAtMostMaxWrapUp() {
        WrapUps.OpenWrapUp w = new WrapUps.OpenWrapUp("alice", 1_000);
        assertThat(w.lengthAt(31_000, MAX)).isEqualTo(30_000);
        assertThat(w.lengthAt(1_000 + MAX + 5, MAX)).isEqualTo(MAX);
        assertThat(w.limit(MAX)).isEqualTo(1_000 + MAX);
    }

    @Test
    void shouldRunOutWrapUpsAtMaxWrapUpInTheOrderTheyStarted() {
        wrapUps.start("alice", 0);
        wrapUps.start("bob", 10);
        wrapUps.start("carol", 500);
        assertThat(wrapUps.nextLimit(MAX)).isEqualTo(MAX);
        assertThat(wrapUps.runOutBy(MAX - 1, MAX)).isEmpty();
        assertThat(wrapUps.runOutBy(MAX + 10, MAX)).extracting(w -> w.agent).containsExactly("alice", "bob");
        assertThat(wrapUps.nextLimit(MAX)).isEqualTo(500 + MAX);
    }

    @Test
    void shouldEndEveryWrapUpAtTheClose() {
        wrapUps.start("alice", 0);
        wrapUps.start("bob", 10);
        assertThat(wrapUps.endAll()).extracting(w -> w.agent).containsExactly("alice", "bob");
        assertThat(wrapUps.open).isEmpty();
        assertThat(wrapUps.nextLimit(MAX)).isEqualTo(Long.MAX_VALUE);
    }
}
