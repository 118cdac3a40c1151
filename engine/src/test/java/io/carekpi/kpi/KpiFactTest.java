package io.carekpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KpiFactTest {
    @Test
    void aHandledContactCarriesItsTalkHoldAndNumberOfHolds() {
        KpiFact f = KpiFact.handled(1_000, "VOICE", "alice", "billing", 155_000, 40_000, 2);
        assertThat(f.kind).isEqualTo(FactKind.HANDLED);
        assertThat(f.talkMs()).isEqualTo(155_000);
        assertThat(f.holdMs).isEqualTo(40_000);
        assertThat(f.holds).isEqualTo(2);
        assertThat(f.satisfied).isFalse();
    }

    @Test
    void aCsatAnswerCarriesItsScoreAndWhetherItIsSatisfied() {
        KpiFact f = KpiFact.survey(1_000, "WEB_CHAT", "bob", null, FactKind.CSAT, 4, true);
        assertThat(f.value).as("score").isEqualTo(4);
        assertThat(f.satisfied).isTrue();
        assertThat(f.holdMs).isZero();
    }

    @Test
    void onlyACsatAnswerCanBeSatisfied() {
        assertThatThrownBy(() -> KpiFact.survey(0, "VOICE", null, null, FactKind.NPS, 9, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPS");
        assertThat(KpiFact.survey(0, "VOICE", null, null, FactKind.NPS, 9, false).value).isEqualTo(9);
    }

    @Test
    void aCopyForAnotherGroupingKeepsEveryValue() {
        KpiFact f = KpiFact.handled(1_000, "VOICE", "alice", "billing", 155_000, 40_000, 2);
        KpiFact all = f.withDimensions(null, null, null);
        assertThat(all.channel).isNull();
        assertThat(all.agent).isNull();
        assertThat(all.queue).isNull();
        assertThat(all.withDimensions("VOICE", "alice", "billing")).isEqualTo(f);
    }

    @Test
    void factsThatOnlyCountHaveNoValue() {
        KpiFact f = KpiFact.of(1_000, "SMS", null, null, FactKind.OPENED);
        assertThat(f.value).isZero();
        assertThat(f).isEqualTo(KpiFact.of(1_000, "SMS", null, null, FactKind.OPENED, 0));
    }
}
