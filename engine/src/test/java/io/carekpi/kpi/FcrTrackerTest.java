package io.carekpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FcrTrackerTest {
    private static final long H = 3_600_000L;
    private static final long WINDOW = 72 * H;
    private final FcrTracker tracker = new FcrTracker(EngineConfig.defaults());
    private final CustomerLedger ledger = new CustomerLedger();
    private final List<KpiFact> facts = new ArrayList<>();

    private void signal(CustomerSignal s) {
        tracker.advanceTo(ledger, s.at - 1, facts::add);
        tracker.onSignal(ledger, s, facts::add);
    }

    private void open(String conv, long at) {
        signal(CustomerSignal.opened(at, "u1", conv, at));
    }

    private void resolve(String conv, long at, long openedAt, boolean eligible) {
        signal(CustomerSignal.resolved(at, "u1", conv, openedAt, eligible, "VOICE", "alice", "q"));
    }

    private List<FactKind> kinds() {
        return facts.stream().map(f -> f.kind).toList();
    }

    @Test
    void aResolutionWithoutReturnIsConfirmedAfterTheFcrWindowAndAttributedToTheResolution() {
        open("c1", 0);
        resolve("c1", 10 * H, 0, true);
        assertThat(kinds()).containsExactly(FactKind.FCR_CANDIDATE);
        assertThat(tracker.nextDeadline(ledger)).isEqualTo(10 * H + WINDOW);
        tracker.advanceTo(ledger, 10 * H + WINDOW, facts::add);
        assertThat(kinds()).containsExactly(FactKind.FCR_CANDIDATE, FactKind.FCR_CONFIRMED, FactKind.FINAL_RESOLUTION);
        assertThat(facts).allMatch(f -> f.at == 10 * H);
        assertThat(facts.get(2).value).as("contacts to resolution").isEqualTo(1);
    }

    @Test
    void aTicketResolvedWeeksAfterItOpenedStillKnowsTheContactsBeforeIt() {
        open("c1", 0);
        open("c2", 24 * H); // a second contact a day later, still open 20 days on
        resolve("c2", 21 * 24 * H, 24 * H, true);
        tracker.advanceTo(ledger, 21 * 24 * H + WINDOW, facts::add);
        assertThat(facts).filteredOn(f -> f.kind == FactKind.FINAL_RESOLUTION).singleElement()
                .satisfies(f -> assertThat(f.value).as("contacts to resolution").isEqualTo(2));
    }

    @Test
    void aNewConversationWithinTheWindowLosesTheFcrAndTheFinality() {
        open("c1", 0);
        resolve("c1", H, 0, true);
        open("c2", H + WINDOW); // exactly at the window's end still counts as within
        tracker.advanceTo(ledger, H + WINDOW, facts::add);
        assertThat(kinds()).containsExactly(FactKind.FCR_CANDIDATE, FactKind.FCR_LOST);
    }

    @Test
    void aReopenLosesTheFcr() {
        open("c1", 0);
        resolve("c1", H, 0, true);
        signal(CustomerSignal.reopened(2 * H, "u1", "c1", 0));
        tracker.advanceTo(ledger, H + WINDOW, facts::add);
        assertThat(kinds()).containsExactly(FactKind.FCR_CANDIDATE, FactKind.FCR_LOST);
    }

    @Test
    void aTransferredResolutionIsNoCandidateButCanBeFinal() {
        open("c1", 0);
        resolve("c1", H, 0, false);
        tracker.advanceTo(ledger, H + WINDOW, facts::add);
        assertThat(kinds()).containsExactly(FactKind.FINAL_RESOLUTION);
    }

    @Test
    void aRepeatContactIsNoCandidateAndCountsItsPriorContacts() {
        open("c1", 0);
        resolve("c1", H, 0, true);
        open("c2", 5 * H);
        resolve("c2", 6 * H, 5 * H, true);
        tracker.advanceTo(ledger, 6 * H + WINDOW, facts::add);
        assertThat(kinds()).containsExactly(FactKind.FCR_CANDIDATE, FactKind.FCR_LOST, FactKind.FINAL_RESOLUTION);
        KpiFact fin = facts.get(2);
        assertThat(fin.at).isEqualTo(6 * H);
        assertThat(fin.value).as("c1 and c2").isEqualTo(2);
    }

    @Test
    void anOpeningAfterTheWindowIsNoRepeatAndTheLedgerEmpties() {
        open("c1", 0);
        resolve("c1", H, 0, true);
        open("c2", H + WINDOW + 1);
        resolve("c2", H + WINDOW + 2, H + WINDOW + 1, true);
        assertThat(kinds()).containsExactly(FactKind.FCR_CANDIDATE, FactKind.FCR_CONFIRMED,
                FactKind.FINAL_RESOLUTION, FactKind.FCR_CANDIDATE);
        boolean empty = tracker.advanceTo(ledger, tracker.nextDeadline(ledger), facts::add);
        while (!empty) {
            empty = tracker.advanceTo(ledger, tracker.nextDeadline(ledger), facts::add);
        }
        assertThat(ledger.isEmpty()).isTrue();
    }
}
