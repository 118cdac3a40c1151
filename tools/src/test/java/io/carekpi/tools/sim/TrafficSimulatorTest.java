package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.LedgerField.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrafficSimulatorTest {
    private static final SimulationConfig DAY = SimulationConfig.builder().seed(11).conversationsPerDay(1500).build();
    private static final Simulation SIM = TrafficSimulator.simulate(DAY);
    private static final LocalDate FIRST_DAY = DAY.firstDay;

    private static long countEvents(Predicate<InteractionEvent> p) {
        return SIM.events().stream().filter(p).count();
    }

    private static long ofType(EventType type) {
        return countEvents(e -> e.getType() == type);
    }

    @Test
    void theLedgerPredictsEveryAdditiveSnapshotFieldButTheSlaOnes() {
        Set<String> additive = Arrays.stream(io.carekpi.kpi.Counter.all()).map(io.carekpi.kpi.Counter::field)
                .filter(f -> !f.startsWith("sla_")).collect(Collectors.toSet());
        assertThat(Arrays.stream(LedgerField.values()).map(LedgerField::field)).containsExactlyInAnyOrderElementsOf(additive);
    }

    @Test
    void theSameSeedGivesTheSameEventsLedgerAndFile() {
        Simulation again = TrafficSimulator.simulate(DAY);
        assertThat(again.events()).isEqualTo(SIM.events());
        assertThat(again.conversations()).isEqualTo(SIM.conversations());
        assertThat(again.stats()).isEqualTo(SIM.stats());
        for (LocalDate d : SIM.ledger().days()) {
            assertThat(again.ledger().channels(d)).isEqualTo(SIM.ledger().channels(d));
        }
        assertThat(again.ledger().days()).isEqualTo(SIM.ledger().days());
        DeliveryOptions options = DeliveryOptions.realistic(3);
        assertThat(again.deliver(options).lines()).isEqualTo(SIM.deliver(options).lines());
    }

    @Test
    void anotherSeedGivesOtherTraffic() {
        Simulation other = TrafficSimulator.simulate(SimulationConfig.builder().seed(12).conversationsPerDay(1500).build());
        assertThat(other.events()).isNotEqualTo(SIM.events());
        assertThat(other.ledger().total(FIRST_DAY)).isNotEqualTo(SIM.ledger().total(FIRST_DAY));
    }

    @Test
    void eventsAreInEventTimeOrderWithUniqueIdsAndNoTwoEventsOfAConversationAtOneMillisecond() {
        List<InteractionEvent> events = SIM.events();
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).getOccurredAt()).isAfterOrEqualTo(events.get(i - 1).getOccurredAt());
        }
        assertThat(events.stream().map(InteractionEvent::getEventId).distinct().count()).isEqualTo(events.size());
        Set<String> conversationInstants = new HashSet<>();
        for (InteractionEvent e : events) {
            assertThat(conversationInstants.add(e.getConversationId() + "@" + e.getOccurredAt().toEpochMilli()))
                    .as("%s", e).isTrue();
        }
    }

    @Test
    void everyEventIsValidForTheEngine() {
        for (InteractionEvent e : SIM.events()) {
            assertThat(io.carekpi.kpi.EventValidator.problem(e)).as("%s", e).isNull();
        }
    }

    @Test
    void theDayStartsOnTheConfiguredDayAndEveryNewContactArrivesThatDay() {
        assertThat(SIM.ledger().days().first()).isEqualTo(FIRST_DAY);
        List<PlannedConversation> firstContacts = SIM.conversations().stream().filter(c -> c.contact() <= 1).toList();
        assertThat(firstContacts).isNotEmpty().allSatisfy(c ->
                assertThat(c.openedAt().atZone(DAY.zone).toLocalDate()).isEqualTo(FIRST_DAY));
        assertThat(firstContacts.stream().filter(c -> !c.scenario().startsWith("selfService")).count())
                .isEqualTo(DAY.conversationsPerDay);
    }

    @Test
    void everyPlannedConversationIsOpenedOnceAndEverySessionOpensNothing() {
        long conversations = SIM.conversations().stream().filter(c -> !c.scenario().startsWith("selfService")).count();
        assertThat(SIM.ledger().total().get(OPENED)).isEqualTo(conversations);
        Set<String> withEvents = SIM.events().stream().filter(e -> e.getType() != EventType.ARTICLE_VIEWED)
                .map(InteractionEvent::getConversationId).collect(Collectors.toSet());
        assertThat(withEvents).hasSize((int) conversations);
    }

    @Test
    void countsThatAreOnePerEventMatchTheEventsOfTheirType() {
        Totals all = SIM.ledger().total();
        assertThat(all.get(CUSTOMER_MESSAGES)).isEqualTo(ofType(EventType.CUSTOMER_MESSAGE));
        assertThat(all.get(AGENT_MESSAGES)).isEqualTo(ofType(EventType.AGENT_MESSAGE));
        assertThat(all.get(BOT_MESSAGES)).isEqualTo(ofType(EventType.BOT_MESSAGE));
        assertThat(all.get(RESOLVED)).isEqualTo(ofType(EventType.RESOLVED));
        assertThat(all.get(REOPENED)).isEqualTo(ofType(EventType.REOPENED));
        assertThat(all.get(TRANSFERS)).isEqualTo(ofType(EventType.TRANSFERRED));
        assertThat(all.get(ESCALATIONS)).isEqualTo(ofType(EventType.ESCALATED));
        assertThat(all.get(DEFLECTED)).isEqualTo(ofType(EventType.DEFLECTED));
        assertThat(all.get(HOLDS)).isGreaterThanOrEqualTo(ofType(EventType.HOLD_ENDED));
        assertThat(all.get(ARTICLES_VIEWED)).isEqualTo(ofType(EventType.ARTICLE_VIEWED));
        assertThat(all.get(ARTICLE_DWELL_SUM_MS)).isEqualTo(SIM.events().stream()
                .filter(e -> e.getType() == EventType.ARTICLE_VIEWED).mapToLong(e -> e.getArticle().getDwellMs()).sum());
        assertThat(all.get(CSAT_RESPONSES)).isEqualTo(surveys(SurveyKind.CSAT));
        assertThat(all.get(NPS_RESPONSES)).isEqualTo(surveys(SurveyKind.NPS));
        assertThat(all.get(CES_RESPONSES)).isEqualTo(surveys(SurveyKind.CES));
        assertThat(all.get(AGENT_SAT_RESPONSES)).isEqualTo(surveys(SurveyKind.AGENT_SATISFACTION));
        assertThat(all.get(CES_SCORE_SUM)).isEqualTo(SIM.events().stream()
                .filter(e -> e.getSurvey() != null && e.getSurvey().getKind() == SurveyKind.CES)
                .mapToLong(e -> e.getSurvey().getScore()).sum());
    }

    private static long surveys(SurveyKind kind) {
        return countEvents(e -> e.getType() == EventType.SURVEY_RESPONSE && e.getSurvey().getKind() == kind);
    }

    @Test
    void theLedgerIsConsistentOnEveryDayAndChannel() {
        for (LocalDate d : SIM.ledger().days()) {
            Map<Channel, Totals> channels = new HashMap<>(SIM.ledger().channels(d));
            channels.put(null, SIM.ledger().total(d));
            channels.forEach((channel, t) -> {
                String where = d + " " + (channel == null ? "all" : channel);
                assertThat(t.get(FCR_CONFIRMED) + t.get(FCR_LOST)).as(where).isEqualTo(t.get(FCR_CANDIDATES));
                assertThat(t.get(FCR_CANDIDATES)).as(where).isLessThanOrEqualTo(t.get(RESOLVED));
                assertThat(t.get(FINAL_RESOLUTIONS)).as(where).isLessThanOrEqualTo(t.get(RESOLVED));
                assertThat(t.get(CONTACTS_TO_RESOLUTION_SUM)).as(where).isGreaterThanOrEqualTo(t.get(FINAL_RESOLUTIONS));
                assertThat(t.get(BOT_CONTAINED)).as(where).isLessThanOrEqualTo(t.get(RESOLVED));
                assertThat(t.get(HANDLE_SUM_MS)).as(where)
                        .isEqualTo(t.get(TALK_SUM_MS) + t.get(HOLD_SUM_MS) + t.get(WRAP_UP_SUM_MS));
                assertThat(t.get(FRT_MAX_MS)).as(where).isLessThanOrEqualTo(t.get(FRT_SUM_MS));
                assertThat(t.get(FRT_MAX_MS) > 0).as(where).isEqualTo(t.get(FIRST_RESPONSES) > 0);
                assertThat(t.get(FIRST_RESPONSES)).as(where).isLessThanOrEqualTo(t.get(AGENT_MESSAGES));
                assertThat(t.get(CSAT_SATISFIED)).as(where).isLessThanOrEqualTo(t.get(CSAT_RESPONSES));
                assertThat(t.get(NPS_PROMOTERS) + t.get(NPS_DETRACTORS)).as(where).isLessThanOrEqualTo(t.get(NPS_RESPONSES));
                assertThat(Arrays.stream(LedgerField.values()).allMatch(f -> t.get(f) >= 0)).as(where).isTrue();
            });
        }
        Totals first = SIM.ledger().total(FIRST_DAY);
        assertThat(first.get(ABANDONED)).isLessThan(first.get(OPENED) / 5);
        assertThat(first.get(TALK_SUM_MS)).isPositive();
        assertThat(first.get(HOLD_SUM_MS)).isPositive();
    }

    @Test
    void theDayUsesEveryChannelAndEveryScenario() {
        for (Channel c : DAY.channels) {
            assertThat(SIM.ledger().channel(FIRST_DAY, c).get(OPENED)).as("%s", c).isPositive();
        }
        assertThat(SIM.stats().keySet()).contains(
                "scenario.voice.answered", "scenario.voice.transferred", "scenario.voice.escalated",
                "scenario.voice.reassigned", "scenario.voice.ivrSelfService", "scenario.voice.deflectedToMessaging",
                "scenario.voice.abandonedInQueue", "scenario.voice.answered.unresolved",
                "scenario.messaging.agent", "scenario.messaging.botContained", "scenario.messaging.leftTheBot",
                "scenario.messaging.abandonedInQueue", "scenario.messaging.transfer", "scenario.messaging.escalation",
                "scenario.messaging.agent.reopened", "scenario.messaging.agent.unresolved",
                "scenario.email.answered", "scenario.email.unanswered", "scenario.email.closedUnanswered",
                "scenario.outbound.campaign", "scenario.outbound.followUp", "scenario.selfService.session",
                "journey.returnedWithinFcrWindow", "journey.returnedAfterFcrWindow", "journey.calledBackAfterAbandon",
                "journey.continuedAfterDeflection", "journey.parallelContact", "journey.returnedExactlyAtFcrWindowEnd",
                "wrapUp.ended", "wrapUp.endedByClose", "wrapUp.ranToMaxWrapUp", "survey.unknownChannel");
        assertThat(SIM.stats().keySet().stream().filter(k -> k.endsWith(".anonymous"))).isNotEmpty();
        for (SurveyKind kind : List.of(SurveyKind.CSAT, SurveyKind.NPS, SurveyKind.CES, SurveyKind.AGENT_SATISFACTION)) {
            assertThat(SIM.stat("survey." + kind + ".defaultScale")).as("%s", kind).isPositive();
            assertThat(SIM.stats().keySet().stream().filter(k -> k.startsWith("survey." + kind + ".scale")))
                    .as("%s", kind).isNotEmpty();
        }
    }

    @Test
    void returningCustomersCostTheirFirstResolutionItsFcrOnlyWithinTheWindow() {
        // a candidate whose customer came back within the window is lost; confirmed ones exist too
        assertThat(SIM.stat("fcr.candidate.customerCameBack.lost")).isPositive();
        assertThat(SIM.stat("fcr.candidate.reopened.lost")).isPositive();
        assertThat(SIM.stat("fcr.candidate.final")).isPositive();
        assertThat(SIM.stat("fcr.repeatContact.final")).isPositive();
        assertThat(SIM.stat("fcr.notEligible.final")).isPositive();
        assertThat(SIM.stat("fcr.finalAfterSeveralContacts")).isPositive();
        // customers who came back after the window: their conversations are days later
        assertThat(SIM.ledger().days().last()).isAfter(FIRST_DAY.plusDays(3));
    }

    @Test
    void factsOfConversationsRunningPastMidnightGoToTheNextDay() {
        assertThat(SIM.ledger().days()).contains(FIRST_DAY.plusDays(1));
        assertThat(SIM.ledger().total(FIRST_DAY.plusDays(1)).get(FIRST_RESPONSES)).isPositive();
    }

    @Test
    void severalDaysAndAnotherTimeZoneGroupFactsByLocalDay() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        Simulation sim = TrafficSimulator.simulate(SimulationConfig.builder().seed(5).days(2).zone(paris)
                .firstDay(LocalDate.of(2026, 3, 28)).conversationsPerDay(300).build()); // DST starts on the 29th
        List<PlannedConversation> first = sim.conversations().stream().filter(c -> c.contact() <= 1).toList();
        assertThat(first.stream().map(c -> c.openedAt().atZone(paris).toLocalDate()).distinct())
                .containsExactlyInAnyOrder(LocalDate.of(2026, 3, 28), LocalDate.of(2026, 3, 29));
        long opened = sim.conversations().stream().filter(c -> !c.scenario().startsWith("selfService")).count();
        assertThat(sim.ledger().total().get(OPENED)).isEqualTo(opened);
        assertThat(sim.ledger().dayStart(LocalDate.of(2026, 3, 29)).toString()).isEqualTo("2026-03-28T23:00:00Z");
    }

    @Test
    void aFewChannelsAndASingleAgentStillGivePlansWithinTheRules() {
        Simulation sim = TrafficSimulator.simulate(SimulationConfig.builder().seed(9).conversationsPerDay(400)
                .channels(Channel.VOICE, Channel.SMS).agents(1).queues("only").build());
        assertThat(sim.events().stream().filter(e -> e.getType() != EventType.SURVEY_RESPONSE)
                .map(InteractionEvent::getChannel).distinct()).containsExactlyInAnyOrder(Channel.VOICE, Channel.SMS);
        assertThat(sim.ledger().channels(LocalDate.of(2026, 3, 2))).containsOnlyKeys(Channel.VOICE, Channel.SMS);
        assertThat(sim.ledger().total().get(TRANSFERS)).isZero();
        assertThat(sim.ledger().total().get(ARTICLES_VIEWED)).isPositive(); // help centre on the messaging channel
    }

    @Test
    void aPeakHourlyRateSetsTheDailyVolume() {
        SimulationConfig c = SimulationConfig.builder().peakHourlyRate(100).build();
        assertThat(c.conversationsPerDay).isBetween(1000, 2500);
    }

    @Test
    void impossibleConfigurationsAreRefused() {
        assertThatThrownBy(() -> SimulationConfig.builder().days(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulationConfig.builder().agents(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulationConfig.builder().channels(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulationConfig.builder().queues(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulationConfig.builder().fcrWindow(Duration.ofMinutes(5)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
