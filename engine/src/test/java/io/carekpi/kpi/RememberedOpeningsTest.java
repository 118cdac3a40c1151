package io.carekpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RememberedOpeningsTest {
    private static final long FCR = 72 * 3_600_000L;

    @Test
    void everyFieldOfEveryOpeningSurvivesTheCompactForm() {
        Random random = new Random(42);
        for (int run = 0; run < 500; run++) {
            CustomerLedger l = new CustomerLedger();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                CustomerLedger.Opening o = new CustomerLedger.Opening();
                o.conversationId = random.nextBoolean() ? "c-" + random.nextInt() : "ü\uD83D\uDE00" + i;
                o.openedAt = random.nextBoolean() ? random.nextLong() : 1_764_000_000_000L + random.nextInt();
                o.keepUntil = random.nextBoolean() ? random.nextLong() : o.openedAt + 30L * 86_400_000;
                o.priorContacts = random.nextInt(5) == 0 ? random.nextInt() : random.nextInt(9);
                o.repeat = random.nextBoolean();
                l.openings.add(o);
            }
            CustomerLedger back = RememberedOpenings.decode("u1", RememberedOpenings.encode(l), Long.MIN_VALUE, FCR);
            assertThat(back).usingRecursiveComparison().isEqualTo(l);
        }
    }

    @Test
    void theOpeningsWhoseTimeHasPassedAreLeftOutAtDecode() {
        CustomerLedger l = new CustomerLedger();
        l.openings.add(opening("old", 0, 1_000));
        l.openings.add(opening("kept", 0, 5 * FCR));
        byte[] bytes = RememberedOpenings.encode(l);

        assertThat(RememberedOpenings.decode("u1", bytes, FCR, FCR).openings).extracting(o -> o.conversationId)
                .as("at fcrWindow after the opening both are still needed").containsExactly("old", "kept");
        assertThat(RememberedOpenings.decode("u1", bytes, FCR + 1, FCR).openings).extracting(o -> o.conversationId)
                .containsExactly("kept");
    }

    @Test
    void onlyALedgerOfOpeningsPastFcrWindowIsSettled() {
        CustomerLedger l = new CustomerLedger();
        assertThat(RememberedOpenings.isSettled(l, 10 * FCR, FCR)).as("empty").isFalse();
        l.openings.add(opening("c1", 0, 30 * FCR));
        assertThat(RememberedOpenings.isSettled(l, FCR, FCR)).as("a new contact could still count it").isFalse();
        assertThat(RememberedOpenings.isSettled(l, FCR + 1, FCR)).isTrue();
        l.resolutions.add(new CustomerLedger.Resolution("c1", 5));
        assertThat(RememberedOpenings.isSettled(l, FCR + 1, FCR)).isFalse();
        assertThatThrownBy(() -> RememberedOpenings.decode("u1", new byte[] {7}, 0, FCR))
                .hasMessageContaining("u1").hasMessageContaining("version 7");
    }

    private static CustomerLedger.Opening opening(String id, long openedAt, long keepUntil) {
        CustomerLedger.Opening o = new CustomerLedger.Opening();
        o.conversationId = id;
        o.openedAt = openedAt;
        o.keepUntil = keepUntil;
        return o;
    }
}
