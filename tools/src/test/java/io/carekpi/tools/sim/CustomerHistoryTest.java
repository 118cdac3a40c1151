package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.LedgerField.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.schema.Channel;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The ledger's FCR facts, from the SPEC's definitions applied to a customer's planned contacts. */
class CustomerHistoryTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    private static final long T0 = DAY.atStartOfDay(UTC).toInstant().toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final long W = 72 * HOUR;

    private final ExpectedLedger.Builder ledger = new ExpectedLedger.Builder(UTC);
    private final Map<String, Long> stats = new TreeMap<>();
    private final CustomerHistory customer = new CustomerHistory("cust-1");

    private CustomerHistory.Contact contact(String id, Channel ch, long openedAt, long... resolutions) {
        CustomerHistory.Contact c = customer.newContact(id, ch);
        c.openedAt = openedAt;
        for (long r : resolutions) {
            c.resolutions.add(new long[] {r, 1});
        }
        return c;
    }

    private Totals booked() {
        customer.bookFcr(W, ledger, stats);
        return ledger.build().total();
    }

    @Test
    void aSingleResolvedContactIsAConfirmedFirstContactResolution() {
        contact("a", Channel.VOICE, T0 + 9 * HOUR, T0 + 10 * HOUR);
        Totals t = booked();
        assertThat(t.get(FCR_CANDIDATES)).isEqualTo(1);
        assertThat(t.get(FCR_CONFIRMED)).isEqualTo(1);
        assertThat(t.get(FINAL_RESOLUTIONS)).isEqualTo(1);
        assertThat(t.get(CONTACTS_TO_RESOLUTION_SUM)).isEqualTo(1);
    }

    @Test
    void comingBackWithinTheWindowLosesTheFirstResolutionAndTheReturnIsARepeatContact() {
        contact("a", Channel.VOICE, T0 + 9 * HOUR, T0 + 10 * HOUR);
        contact("b", Channel.WHATSAPP, T0 + 10 * HOUR + W, T0 + 11 * HOUR + W); // exactly W later: still within
        Totals t = booked();
        assertThat(t.get(FCR_CANDIDATES)).isEqualTo(1);
        assertThat(t.get(FCR_LOST)).isEqualTo(1);
        assertThat(t.get(FINAL_RESOLUTIONS)).isEqualTo(1);
        assertThat(t.get(CONTACTS_TO_RESOLUTION_SUM)).as("a opened more than W before b").isEqualTo(1);
        assertThat(ledger.build().channel(DAY, Channel.VOICE).get(FCR_LOST)).isEqualTo(1);
    }

    @Test
    void comingBackAfterTheWindowLeavesBothResolutionsConfirmed() {
        contact("a", Channel.VOICE, T0 + 9 * HOUR, T0 + 10 * HOUR);
        contact("b", Channel.EMAIL, T0 + 10 * HOUR + W + 1, T0 + 12 * HOUR + W);
        Totals t = booked();
        assertThat(t.get(FCR_CANDIDATES)).isEqualTo(2);
        assertThat(t.get(FCR_CONFIRMED)).isEqualTo(2);
        assertThat(t.get(FINAL_RESOLUTIONS)).isEqualTo(2);
        assertThat(t.get(CONTACTS_TO_RESOLUTION_SUM)).isEqualTo(2);
    }

    @Test
    void aCallBackAfterAnAbandonIsACandidateThatTookTwoContacts() {
        contact("a", Channel.VOICE, T0 + 9 * HOUR);
        contact("b", Channel.VOICE, T0 + 9 * HOUR + 600_000, T0 + 10 * HOUR);
        Totals t = booked();
        assertThat(t.get(FCR_CONFIRMED)).isEqualTo(1);
        assertThat(t.get(CONTACTS_TO_RESOLUTION_SUM)).isEqualTo(2);
    }

    @Test
    void aReopenWithinTheWindowLosesTheResolutionAndTheNextResolutionIsFinalButNoCandidate() {
        CustomerHistory.Contact a = contact("a", Channel.WEB_CHAT, T0 + 9 * HOUR, T0 + 10 * HOUR);
        a.reopens.add(T0 + 20 * HOUR);
        a.resolutions.add(new long[] {T0 + 21 * HOUR, 0});
        Totals t = booked();
        assertThat(t.get(FCR_CANDIDATES)).isEqualTo(1);
        assertThat(t.get(FCR_LOST)).isEqualTo(1);
        assertThat(t.get(FINAL_RESOLUTIONS)).isEqualTo(1);
        assertThat(stats).containsKeys("fcr.candidate.reopened.lost", "fcr.notEligible.final");
    }

    @Test
    void aContactOpenedBeforeAnotherIsResolvedCostsItNothing() {
        contact("a", Channel.EMAIL, T0 + 9 * HOUR, T0 + 15 * HOUR);
        contact("b", Channel.WEB_CHAT, T0 + 10 * HOUR, T0 + 11 * HOUR);
        Totals t = booked();
        assertThat(t.get(FCR_CONFIRMED)).isEqualTo(2);
        assertThat(t.get(CONTACTS_TO_RESOLUTION_SUM)).as("a: 1, b: 2").isEqualTo(3);
    }
}
