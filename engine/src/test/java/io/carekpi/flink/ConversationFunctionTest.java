package io.carekpi.flink;

import static io.carekpi.schema.Channel.EMAIL;
import static io.carekpi.schema.Channel.WEB_CHAT;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.events.DecodedEvent;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiFact;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.ConversationScript;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConversationFunctionTest {
    private static final long RETENTION = EngineConfig.defaults().conversationRetention.toMillis();
    private KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, KpiFact> harness;
    private long seq;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new MigratingKeyedProcessOperator<>(new ConversationFunction(EngineConfig.defaults())),
                DecodedEvent::conversationId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(InteractionEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(new DecodedEvent(e, ++seq), e.getOccurredAt().toEpochMilli()));
    }

    private List<KpiFact> facts(FactKind kind) {
        return harness.extractOutputValues().stream().filter(f -> f.kind == kind).toList();
    }

    private static long at(double seconds) {
        return ConversationScript.BASE + Math.round(seconds * 1000);
    }

    @Test
    void shouldRememberAResolvedTicketReopenedDaysLaterAsTheSameConversation() throws Exception {
        long day = 86_400;
        ConversationScript ticket = conversation("mail-1", EMAIL).customer("u1").queue("billing")
                .at(0).opened().at(60).agentMessage("alice").at(300).resolved("alice");
        ticket.at(4 * day).reopened().at(4 * day + 10).customerMessage().at(4 * day + 70).agentMessage("alice")
                .at(4 * day + 200).resolved("alice");
        for (InteractionEvent e : ticket.events()) {
            send(e);
            harness.processWatermark(e.getOccurredAt().toEpochMilli()); // days pass between the events
        }
        assertThat(facts(FactKind.OPENED)).as("no second opening").hasSize(1);
        assertThat(facts(FactKind.REOPENED)).singleElement().satisfies(f -> assertThat(f.queue).isEqualTo("billing"));
        assertThat(facts(FactKind.FIRST_RESPONSE)).hasSize(1);
        assertThat(facts(FactKind.NEXT_RESPONSE)).singleElement().satisfies(f -> assertThat(f.value).isEqualTo(60_000));
        assertThat(facts(FactKind.RESOLVED)).extracting(f -> f.value).as("resolution time from the first opening")
                .containsExactly(300_000L, (4 * day + 200) * 1000);

        harness.processWatermark(at(4 * day + 200 + 30 * day - 1));
        assertThat(harness.numKeyedStateEntries()).as("remembered for 30 days, compact").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("no timer for a settled conversation").isZero();
        harness.processWatermark(at(4 * day + 200 + 30 * day));
        send(ticket.events().get(0)); // its id forgotten: not a duplicate, late
        send(ticket.at(4 * day + 200 + 30 * day + 1).customerMessage().last());
        harness.processWatermark(at(4 * day + 200 + 30 * day + 1));
        assertThat(harness.getSideOutput(ConversationFunction.LATE)).hasSize(1);
        assertThat(facts(FactKind.OPENED)).as("after conversationRetention its id opens a new conversation")
                .hasSize(2);
    }

    @Test
    void aRememberedConversationIsFreedByTheStateTtlADayAfterItsRetention() throws Exception {
        ConversationScript ticket = conversation("mail-1", EMAIL).customer("u1").at(0).opened()
                .at(60).agentMessage("alice").at(300).resolved("alice").at(400).closed();
        harness.setStateTtlProcessingTime(0);
        for (InteractionEvent e : ticket.events()) {
            send(e);
        }
        harness.processWatermark(at(400));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.setStateTtlProcessingTime(RETENTION + Duration.ofDays(1).toMillis() - 1);
        send(conversation("chat-0", WEB_CHAT).customer("u2").at(500).opened().last());
        harness.processWatermark(at(500));
        assertThat(KeyedStates.<String>keysUnder(harness, "remembered")).as("kept until then").contains("mail-1");

        harness.setStateTtlProcessingTime(RETENTION + Duration.ofDays(1).toMillis() + 1);
        // the background cleanup checks a few entries at every access to the state (two per
        // access, ConversationFunction.CLEANUP_ENTRIES_PER_ACCESS): new conversations access it
        for (int i = 1; i <= 40; i++) {
            send(conversation("chat-" + i, WEB_CHAT).customer("u2").at(500 + i).opened().last());
            harness.processWatermark(at(500 + i));
        }
        assertThat(KeyedStates.<String>keysUnder(harness, "remembered")).as("freed by the TTL").doesNotContain("mail-1");
    }

    @Test
    void shouldEvaluateEventsInEventTimeOrderWhenTheyArriveOutOfOrder() throws Exception {
        List<InteractionEvent> events = conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(95).agentMessage("alice").events();
        send(events.get(1));
        send(events.get(0));
        assertThat(harness.extractOutputValues()).as("nothing before the watermark passes").isEmpty();
        harness.processWatermark(at(100));
        assertThat(facts(FactKind.FIRST_RESPONSE)).singleElement().satisfies(f -> assertThat(f.value).isEqualTo(95_000));
    }

    @Test
    void shouldKeepArrivalOrderForEventsAtTheSameInstant() throws Exception {
        // The agent message arrives first at the same instant: it is the first response; the customer
        // message after it starts a next-response wait, answered 10 s later.
        List<InteractionEvent> events = conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(30).agentMessage("alice").at(30).customerMessage().at(40).agentMessage("alice")
                .events();
        events.forEach(e -> {
            try {
                send(e);
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        });
        harness.processWatermark(at(50));
        assertThat(facts(FactKind.FIRST_RESPONSE)).extracting(f -> f.value).containsExactly(30_000L);
        assertThat(facts(FactKind.NEXT_RESPONSE)).extracting(f -> f.value).containsExactly(10_000L);
    }

    @Test
    void shouldSendEventsBehindTheWatermarkToTheLateOutput() throws Exception {
        List<InteractionEvent> events = conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(10).customerMessage().events();
        send(events.get(0));
        harness.processWatermark(at(20));
        send(events.get(1));
        assertThat(harness.getSideOutput(ConversationFunction.LATE)).singleElement()
                .satisfies(r -> assertThat(r.getValue().reason()).startsWith("late"));
        assertThat(facts(FactKind.CUSTOMER_MESSAGE)).isEmpty();
    }

    @Test
    void aClosedConversationKeepsOnlyItsCompactFormAndNoTimer() throws Exception {
        for (InteractionEvent e : conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(10).agentMessage("alice").at(20).resolved("alice").at(30).closed().events()) {
            send(e);
        }
        harness.processWatermark(at(31));
        assertThat(harness.getSideOutput(ConversationFunction.SUMMARIES)).hasSize(2);
        assertThat(harness.getSideOutput(ConversationFunction.CUSTOMER_SIGNALS)).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).as("the compact form (freed by the state TTL)").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("its retention is checked when an event comes").isZero();
    }

    @Test
    void shouldEndAnOpenWrapUpAtMaxWrapUpWithNoFurtherEvents() throws Exception {
        for (InteractionEvent e : conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(10).agentMessage("alice").at(20).resolved("alice")
                .at(25).wrapUpStarted("alice").events()) {
            send(e);
        }
        harness.processWatermark(at(25) + Duration.ofMinutes(30).toMillis());
        assertThat(facts(FactKind.WRAP_UP)).singleElement()
                .satisfies(f -> assertThat(f.value).isEqualTo(Duration.ofMinutes(30).toMillis()));
    }

    @Test
    void shouldKeepBoundedStateForAConversationWithThousandsOfMessages() throws Exception {
        ConversationScript c = conversation("chatty", WEB_CHAT).customer("u1").at(0).opened().at(1).agentMessage("alice");
        for (int i = 0; i < 2_500; i++) {
            c.at(2 + i * 2).customerMessage().at(3 + i * 2).agentMessage("alice");
        }
        for (InteractionEvent e : c.events()) {
            send(e);
        }
        harness.processWatermark(at(6_000));
        assertThat(facts(FactKind.NEXT_RESPONSE)).hasSize(2_500).allMatch(f -> f.value == 1_000);
        // the conversation's state, its deadline and the seen-id buffer: no per-message state is left
        assertThat(harness.numKeyedStateEntries()).isLessThanOrEqualTo(3);
    }

    @Test
    void aSurveyOfAConversationNotRememberedKeepsNoStateAndRaisesNoSlaEvent() throws Exception {
        try (var h = slaHarness()) {
            InteractionEvent survey = conversation("solved-long-ago", WEB_CHAT).at(0)
                    .survey(SurveyKind.CSAT, 2, null, "alice").last();
            h.processElement(new StreamRecord<>(new DecodedEvent(survey, 1), survey.getOccurredAt().toEpochMilli()));
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).extracting(f -> f.kind).containsExactly(FactKind.CSAT);
            assertThat(slaStatuses(h)).isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, KpiFact> slaHarness() throws Exception {
        EngineConfig.Builder b = EngineConfig.builder();
        b.sla = new io.carekpi.config.SlaConfig(java.util.Map.of("WEB_CHAT", new io.carekpi.config.SlaPolicy(
                Duration.ofSeconds(100), Duration.ofSeconds(50), Duration.ofSeconds(1000), null, null)),
                java.util.Map.of(), java.util.Map.of());
        var h = new KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, KpiFact>(
                new MigratingKeyedProcessOperator<>(new ConversationFunction(b.build())), DecodedEvent::conversationId,
                Types.STRING);
        h.open();
        return h;
    }

    private List<String> slaStatuses(KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, KpiFact> h) {
        return h.getSideOutput(ConversationFunction.SLA_EVENTS) == null ? List.of()
                : h.getSideOutput(ConversationFunction.SLA_EVENTS).stream()
                        .map(r -> r.getValue().getClock() + ":" + r.getValue().getStatus()).toList();
    }

    @Test
    void shouldWarnBreachAndClearEachClockAsTheWatermarkPassesItsInstants() throws Exception {
        try (var h = slaHarness()) {
            List<InteractionEvent> events = conversation("c1", WEB_CHAT).customer("u1")
                    .at(0).opened().at(130).agentMessage("alice")
                    .at(140).customerMessage().at(220).agentMessage("alice").at(1200).resolved("alice").events();
            for (InteractionEvent e : events) {
                h.processElement(new StreamRecord<>(new DecodedEvent(e, ++seq), e.getOccurredAt().toEpochMilli()));
            }
            h.processWatermark(at(99));
            assertThat(slaStatuses(h)).containsExactly("FIRST_RESPONSE:WARNING");
            h.processWatermark(at(100));
            assertThat(slaStatuses(h)).containsExactly("FIRST_RESPONSE:WARNING", "FIRST_RESPONSE:BREACHED");
            h.processWatermark(at(1300));
            assertThat(slaStatuses(h)).containsExactly("FIRST_RESPONSE:WARNING", "FIRST_RESPONSE:BREACHED",
                    "FIRST_RESPONSE:CLEARED", "NEXT_RESPONSE:WARNING", "NEXT_RESPONSE:BREACHED",
                    "NEXT_RESPONSE:CLEARED", "RESOLUTION:WARNING", "RESOLUTION:BREACHED", "RESOLUTION:CLEARED");
        }
    }

    @Test
    void shouldLeaveNoTimerWhenResolvedBeforeItsDeadlinesAndNothingAfterIt() throws Exception {
        try (var h = slaHarness()) {
            for (InteractionEvent e : conversation("c1", WEB_CHAT).customer("u1").at(0).opened()
                    .at(10).agentMessage("alice").at(20).resolved("alice").events()) {
                h.processElement(new StreamRecord<>(new DecodedEvent(e, ++seq), e.getOccurredAt().toEpochMilli()));
            }
            h.processWatermark(at(21));
            assertThat(h.numEventTimeTimers()).as("settled: no deadline left").isZero();
            h.processWatermark(at(20) + Duration.ofDays(30).toMillis());
            assertThat(slaStatuses(h)).isEmpty();
            assertThat(h.numKeyedStateEntries()).as("the compact form").isEqualTo(1);
        }
    }

    @Test
    void anArticleViewKeepsNoConversationOnlyItsIdUntilTheRetention() throws Exception {
        InteractionEvent view = conversation("s1", WEB_CHAT).at(5).articleViewed("kb-7", 3000).last();
        send(view);
        send(view);
        assertThat(facts(FactKind.ARTICLE_VIEWED)).as("the re-delivery is a duplicate").hasSize(1);
        assertThat(harness.numKeyedStateEntries()).as("its id and the time to forget it").isEqualTo(2);

        harness.processWatermark(at(5) + RETENTION);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldDropRepeatsOfAnEventIdInArrivalOrderAndForgetThemWithTheirConversation() throws Exception {
        List<InteractionEvent> events = conversation("c1", WEB_CHAT).customer("u1").at(0).opened()
                .at(10).customerMessage().events();
        send(events.get(0));
        send(events.get(1));
        send(events.get(0));
        harness.processWatermark(at(10));
        assertThat(facts(FactKind.OPENED)).hasSize(1);
        assertThat(facts(FactKind.CUSTOMER_MESSAGE)).hasSize(1);

        harness.processWatermark(at(10) + RETENTION);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        send(events.get(0));
        assertThat(harness.getSideOutput(ConversationFunction.LATE)).as("forgotten: not a duplicate any more, late")
                .hasSize(1);
    }

    @Test
    void aSettledConversationShrinksToItsCompactFormAndARepeatLeavesItSo() throws Exception {
        long day = 86_400;
        ConversationScript ticket = conversation("mail-1", EMAIL).customer("u1").queue("billing")
                .at(0).opened().at(60).agentMessage("alice").at(300).resolved("alice").at(400).closed();
        for (InteractionEvent e : ticket.events()) {
            send(e);
        }
        harness.processWatermark(at(400));
        assertThat(harness.numKeyedStateEntries()).as("the compact form alone").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isZero();

        send(ticket.events().get(2)); // a webhook re-delivery of RESOLVED a day later
        harness.processWatermark(at(day));
        assertThat(facts(FactKind.RESOLVED)).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).as("still compact").isEqualTo(1);

        ticket.at(2 * day).reopened().at(2 * day + 10).customerMessage();
        for (InteractionEvent e : ticket.events().subList(4, 6)) {
            send(e);
        }
        harness.processWatermark(at(2 * day + 10));
        assertThat(facts(FactKind.OPENED)).as("continued, not opened again").hasSize(1);
        assertThat(facts(FactKind.REOPENED)).singleElement().satisfies(f -> assertThat(f.queue).isEqualTo("billing"));
        assertThat(harness.numKeyedStateEntries()).as("working state while a clock runs").isGreaterThan(1);

        send(ticket.events().get(0)); // the opening's id was kept through the compact form
        harness.processWatermark(at(2 * day + 20));
        assertThat(facts(FactKind.OPENED)).hasSize(1);
    }
}
