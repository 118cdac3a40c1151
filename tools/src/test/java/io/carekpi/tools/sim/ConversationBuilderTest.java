package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.LedgerField.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's bookkeeping: each decision books exactly the facts the SPEC attaches to it. */
class ConversationBuilderTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long T0 = LocalDate.of(2026, 3, 2).atStartOfDay(UTC).toInstant().toEpochMilli() + 9 * 3_600_000L;
    private static final long MAX_WRAP_UP = 30 * 60_000L;
    private static final long W = 72 * 3_600_000L;

    private final ExpectedLedger.Builder ledger = new ExpectedLedger.Builder(UTC);
    private final List<InteractionEvent> events = new ArrayList<>();
    private final CustomerHistory customer = new CustomerHistory("cust-1");

    private ConversationBuilder conversation(Channel channel) {
        return new ConversationBuilder("c-1", channel, customer.customerId, "billing", false, ledger,
                customer.newContact("c-1", channel), customer.instants, MAX_WRAP_UP, W, events);
    }

    private static long s(double seconds) {
        return T0 + Math.round(seconds * 1000);
    }

    private Totals day() {
        return ledger.build().total(LocalDate.of(2026, 3, 2));
    }

    @Test
    void aCallWithAHoldAndATransferFromHoldBooksTwoSegmentsWithTheirTalkAndHold() {
        ConversationBuilder b = conversation(Channel.VOICE);
        b.opened(s(0));
        b.assigned(s(20), "alice", null);
        b.agentMessage(s(25), "alice", true);
        b.firstResponse(s(25), 25_000);
        b.holdStarted(s(60));
        b.holdEnded(s(90));
        b.holdStarted(s(120));
        b.transferred(s(150), "bob", "tech"); // the open hold ends with alice's segment
        b.assigned(s(170), "bob", null);
        b.agentMessage(s(172), "bob", true);
        b.resolved(s(300), "bob", false);
        b.wrapUp("bob", s(301), s(361), false);
        b.closed(s(362));
        b.finish();
        Totals t = day();
        assertThat(t.get(HANDLED)).isEqualTo(2);
        assertThat(t.get(HOLDS)).isEqualTo(2);
        assertThat(t.get(HOLD_SUM_MS)).isEqualTo(60_000);
        assertThat(t.get(TALK_SUM_MS)).isEqualTo((130_000 - 60_000) + 130_000);
        assertThat(t.get(WRAP_UP_SUM_MS)).isEqualTo(60_000);
        assertThat(t.get(HANDLE_SUM_MS)).isEqualTo(130_000 + 130_000 + 60_000);
        assertThat(t.get(TRANSFERS)).isEqualTo(1);
        assertThat(t.get(RESOLVED)).isEqualTo(1);
        assertThat(t.get(RESOLUTION_SUM_MS)).isEqualTo(300_000);
        assertThat(customer.contacts.get(0).resolutions).hasSize(1);
        assertThat(customer.contacts.get(0).resolutions.get(0)[1]).as("after a transfer: not eligible").isZero();
        assertThat(events).extracting(InteractionEvent::getQueue).endsWith("tech");
    }

    @Test
    void aWrapUpNeverEndedCountsUntilTheCloseOrMaxWrapUpWhicheverIsFirst() {
        ConversationBuilder b = conversation(Channel.WHATSAPP);
        b.opened(s(0));
        b.agentMessage(s(10), "alice", true);
        b.resolved(s(20), null, false);
        b.forgottenWrapUp("alice", s(21), true);
        b.closed(s(21 + 600));
        b.finish();
        assertThat(day().get(WRAP_UP_SUM_MS)).isEqualTo(600_000);

        ExpectedLedger.Builder other = new ExpectedLedger.Builder(UTC);
        CustomerHistory c2 = new CustomerHistory("cust-2");
        ConversationBuilder b2 = new ConversationBuilder("c-2", Channel.WHATSAPP, "cust-2", null, false, other,
                c2.newContact("c-2", Channel.WHATSAPP), c2.instants, MAX_WRAP_UP, W, events);
        b2.opened(s(0));
        b2.agentMessage(s(10), "alice", true);
        b2.resolved(s(20), null, false);
        b2.forgottenWrapUp("alice", s(21), false);
        b2.finish(); // never closed
        assertThat(other.build().total(LocalDate.of(2026, 3, 2)).get(WRAP_UP_SUM_MS)).isEqualTo(MAX_WRAP_UP);
    }

    @Test
    void aSurveyCountsOnItsOwnChannelOrOnTheConversationsWhenItsChannelIsUnknown() {
        ConversationBuilder b = conversation(Channel.VOICE);
        b.opened(s(0));
        b.survey(s(10), SurveyKind.CSAT, 4, null, null, Channel.EMAIL);
        b.survey(s(11), SurveyKind.CSAT, 7, 10, null, Channel.UNKNOWN);
        b.survey(s(12), SurveyKind.CSAT, 8, 10, null, Channel.VOICE);
        b.survey(s(13), SurveyKind.NPS, 9, null, null, Channel.VOICE);
        b.survey(s(14), SurveyKind.NPS, 6, 10, null, Channel.VOICE);
        b.survey(s(15), SurveyKind.NPS, 7, 10, null, Channel.VOICE);
        b.closed(s(16));
        b.abandoned(s(16), 16_000);
        ExpectedLedger l = ledger.build();
        LocalDate d = LocalDate.of(2026, 3, 2);
        assertThat(l.channel(d, Channel.EMAIL).get(CSAT_SATISFIED)).isEqualTo(1); // 4 of 5
        assertThat(l.channel(d, Channel.VOICE).get(CSAT_RESPONSES)).isEqualTo(2);
        assertThat(l.channel(d, Channel.VOICE).get(CSAT_SATISFIED)).isEqualTo(1); // 8 of 10, not 7 of 10
        assertThat(l.channel(d, Channel.VOICE).get(NPS_PROMOTERS)).isEqualTo(1);
        assertThat(l.channel(d, Channel.VOICE).get(NPS_DETRACTORS)).isEqualTo(1);
        assertThat(l.channel(d, Channel.VOICE).get(ABANDON_WAIT_SUM_MS)).isEqualTo(16_000);
        assertThat(l.channel(d, Channel.EMAIL).get(OPENED)).isZero();
    }

    @Test
    void factsAreBookedOnTheDayOfTheirInstant() {
        ConversationBuilder b = conversation(Channel.EMAIL);
        long late = s(15 * 3600 - 60); // 23:59
        b.opened(late);
        b.customerMessage(late + 1000);
        b.agentMessage(late + 3_600_000, "carol", true); // 00:59 the next day
        b.firstResponse(late + 3_600_000, 3_600_000);
        b.resolved(late + 3_700_000, null, false);
        b.finish();
        ExpectedLedger l = ledger.build();
        assertThat(l.days()).containsExactly(LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 3));
        assertThat(l.total(LocalDate.of(2026, 3, 2)).get(OPENED)).isEqualTo(1);
        assertThat(l.total(LocalDate.of(2026, 3, 3)).get(FRT_MAX_MS)).isEqualTo(3_600_000);
        assertThat(l.total(LocalDate.of(2026, 3, 3)).get(HANDLED)).isEqualTo(1);
    }

    @Test
    void plansOutsideTheUnambiguousRulesAreRefused() {
        ConversationBuilder b = conversation(Channel.WEB_CHAT);
        b.opened(s(0));
        assertThatThrownBy(() -> b.customerMessage(s(0))).hasMessageContaining("two events");
        b.assigned(s(10), "alice", null);
        assertThatThrownBy(() -> b.agentMessage(s(20), "bob", true)).hasMessageContaining("segment is open");
        b.agentMessage(s(21), "alice", true);
        b.wrapUp("alice", s(30), s(90), true);
        assertThatThrownBy(() -> b.closed(s(60))).hasMessageContaining("wrap-up");
        assertThatThrownBy(() -> b.wrapUp("alice", s(40), s(50), true)).hasMessageContaining("still wrapping up");
        assertThatThrownBy(() -> b.holdEnded(s(95))).hasMessageContaining("hold end");
        assertThatThrownBy(b::finish).hasMessageContaining("segment open");
    }

    @Test
    void aPlanThatWouldOutliveTheEnginesMemoryOfAResolvedConversationIsRefused() {
        ConversationBuilder b = conversation(Channel.EMAIL);
        b.opened(s(0));
        b.agentMessage(s(60), "alice", true);
        b.customerMessage(s(60) + W); // still open: the idle timeout applies, not fcrWindow
        b.resolved(s(120) + W, "alice", false);
        b.closed(s(120) + 2 * W); // forgotten fcrWindow after the resolution: would be a new conversation
        assertThatThrownBy(b::finish).hasMessageContaining("forgotten");
    }

    @Test
    void freeInstantsAvoidEveryEventOfTheCustomersConversations() {
        ConversationBuilder b = conversation(Channel.SMS);
        b.opened(s(0));
        ConversationBuilder other = new ConversationBuilder("c-9", Channel.VOICE, customer.customerId, null, false,
                ledger, customer.newContact("c-9", Channel.VOICE), customer.instants, MAX_WRAP_UP, W, events);
        assertThat(other.free(s(0))).isEqualTo(s(0) + 1);
        assertThat(customer.free(s(0))).isEqualTo(s(0) + 1);
        assertThatThrownBy(() -> other.opened(s(0))).hasMessageContaining("two events");
        assertThat(new HashSet<>(customer.instants)).containsExactly(s(0));
        assertThat(events).extracting(InteractionEvent::getType).containsExactly(EventType.CONVERSATION_OPENED);
    }
}
