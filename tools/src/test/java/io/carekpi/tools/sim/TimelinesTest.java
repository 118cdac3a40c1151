package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.LedgerField.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.kpi.EventValidator;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The timelines of real sources over days ({@link SimulationConfig#realWorldTimelines}). */
class TimelinesTest {
    private static final long HOUR = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR;
    private static final SimulationConfig.Builder WEEK = SimulationConfig.builder().seed(23).days(7)
            .conversationsPerDay(1000);
    private static final Simulation PLAIN = TrafficSimulator.simulate(WEEK.build());
    private static final Simulation SIM = TrafficSimulator.simulate(WEEK.realWorldTimelines(true).build());

    private static Map<String, List<InteractionEvent>> byConversation(Simulation sim) {
        return sim.events().stream().collect(Collectors.groupingBy(InteractionEvent::getConversationId,
                HashMap::new, Collectors.toList()));
    }

    private static long t(InteractionEvent e) {
        return e.getOccurredAt().toEpochMilli();
    }

    @Test
    void theTimelinesAreOffByDefaultAndOnlyAddToTheTraffic() {
        assertThat(SimulationConfig.builder().build().realWorldTimelines).isFalse();
        assertThat(PLAIN.lateCopies()).isEmpty();
        assertThat(PLAIN.stats().keySet()).noneMatch(k -> k.startsWith("timeline."));
        assertThat(SIM.events().size()).isGreaterThan(PLAIN.events().size());
        assertThat(SIM.config().toString()).contains("realWorldTimelines=true");
        assertThat(PLAIN.config().toString()).doesNotContain("realWorldTimelines");
    }

    @Test
    void everyScenarioOfTheTimelinesIsPlanned() {
        for (String stat : List.of("timeline.reopenedAfterFcrWindow.email", "timeline.reopenedAfterFcrWindow.messaging",
                "timeline.lateSurvey", "timeline.lateSurvey.noChannel", "timeline.surveyOfUnseenConversation",
                "timeline.surveyOfUnseenConversation.noChannel", "timeline.redeliveredHoursLater",
                "timeline.conflictingCopy.CUSTOMER_MESSAGE", "timeline.conflictingCopy.SURVEY_RESPONSE")) {
            assertThat(SIM.stat(stat)).as(stat).isGreaterThan(3);
        }
        assertThat(SIM.stats().keySet()).anyMatch(k -> k.startsWith("scenario.email.") && k.endsWith(".reopenedDaysLater"));
    }

    @Test
    void ticketsAreReopenedBeyondTheFcrWindowWithinTheRetentionWithoutASecondOpening() {
        long fcr = SIM.config().fcrWindow.toMillis();
        long retention = SimulationConfig.CONVERSATION_RETENTION.toMillis();
        int reopenedLate = 0;
        for (List<InteractionEvent> conv : byConversation(SIM).values()) {
            conv.sort(Comparator.comparingLong(TimelinesTest::t));
            long lastResolution = Long.MIN_VALUE;
            for (int i = 0; i < conv.size(); i++) {
                InteractionEvent e = conv.get(i);
                if (i > 0) {
                    assertThat(t(e) - t(conv.get(i - 1))).as("quiet gap in %s", e.getConversationId())
                            .isLessThan(retention - DAY_MS);
                    assertThat(e.getType()).isNotEqualTo(EventType.CONVERSATION_OPENED);
                }
                if (e.getType() == EventType.REOPENED && t(e) - lastResolution > fcr) {
                    reopenedLate++;
                    assertThat(conv.get(i + 1).getType()).isEqualTo(EventType.CUSTOMER_MESSAGE);
                    assertThat(e.getQueue()).as("the same queue").isEqualTo(conv.get(i - 1).getQueue());
                }
                if (e.getType() == EventType.RESOLVED) {
                    lastResolution = t(e);
                }
            }
        }
        // the default plans reopen a few tickets closed late just beyond it too
        assertThat((long) reopenedLate).isGreaterThanOrEqualTo(SIM.stat("timeline.reopenedAfterFcrWindow.email")
                + SIM.stat("timeline.reopenedAfterFcrWindow.messaging"));
    }

    @Test
    void aReopenAfterTheFcrWindowIsFollowedByANextResponseAndANewResolution() {
        long fcr = SIM.config().fcrWindow.toMillis();
        int checked = 0;
        for (List<InteractionEvent> conv : byConversation(SIM).values()) {
            conv.sort(Comparator.comparingLong(TimelinesTest::t));
            long lastResolution = Long.MIN_VALUE;
            boolean agentSpoke = false;
            for (int i = 0; i < conv.size(); i++) {
                InteractionEvent e = conv.get(i);
                if (e.getType() == EventType.REOPENED && t(e) - lastResolution > fcr) {
                    assertThat(agentSpoke).as("a first response was given before: the reply is a next response").isTrue();
                    List<EventType> after = conv.subList(i + 1, conv.size()).stream().map(InteractionEvent::getType)
                            .filter(type -> type != EventType.AGENT_ASSIGNED && type != EventType.SURVEY_RESPONSE)
                            .toList();
                    assertThat(after.subList(0, 3)).containsExactly(EventType.CUSTOMER_MESSAGE,
                            EventType.AGENT_MESSAGE, EventType.RESOLVED);
                    checked++;
                }
                agentSpoke |= e.getType() == EventType.AGENT_MESSAGE;
                if (e.getType() == EventType.RESOLVED) {
                    lastResolution = t(e);
                }
            }
        }
        assertThat(checked).isPositive();
    }

    @Test
    void theLedgerCountsOneOpeningPerConversationAndOneReopenPerReopenedEvent() {
        Totals total = SIM.ledger().total();
        long conversations = SIM.events().stream().map(InteractionEvent::getConversationId)
                .filter(id -> !id.startsWith("survey-only-") && !id.startsWith("kb-")).distinct().count();
        assertThat(total.get(OPENED)).isEqualTo(conversations);
        assertThat(total.get(REOPENED)).isEqualTo(SIM.events().stream()
                .filter(e -> e.getType() == EventType.REOPENED).count());
        assertThat(total.get(RESOLVED)).isEqualTo(SIM.events().stream()
                .filter(e -> e.getType() == EventType.RESOLVED).count());
    }

    @Test
    void lateSurveysComeUpToAWeekAfterTheConversationAndCountOnItsChannelWithoutOne() {
        Set<String> planned = SIM.conversations().stream().map(PlannedConversation::conversationId)
                .collect(Collectors.toSet());
        long late = 0;
        long noChannel = 0;
        for (List<InteractionEvent> conv : byConversation(SIM).values()) {
            conv.sort(Comparator.comparingLong(TimelinesTest::t));
            InteractionEvent last = conv.get(conv.size() - 1);
            if (conv.size() > 1 && last.getType() == EventType.SURVEY_RESPONSE
                    && t(last) - t(conv.get(conv.size() - 2)) >= HOUR && planned.contains(last.getConversationId())) {
                late++;
                assertThat(t(last) - t(conv.get(conv.size() - 2))).isLessThanOrEqualTo(7 * DAY_MS);
                noChannel += last.getChannel() == Channel.UNKNOWN ? 1 : 0;
            }
        }
        assertThat(late).isGreaterThanOrEqualTo(SIM.stat("timeline.lateSurvey") + SIM.stat("timeline.lateSurvey.noChannel"));
        assertThat(noChannel).isPositive();
        assertThat(SIM.stats().keySet()).allMatch(k -> !k.startsWith("timeline.") || SIM.stat(k) > 0);
    }

    @Test
    void surveysOfConversationsNeverSeenOpenNothingAndCountOnTheirOwnChannelOrUnknown() {
        List<InteractionEvent> unseen = SIM.events().stream()
                .filter(e -> e.getConversationId().startsWith("survey-only-")).toList();
        assertThat((long) unseen.size()).isEqualTo(SIM.stat("timeline.surveyOfUnseenConversation")
                + SIM.stat("timeline.surveyOfUnseenConversation.noChannel"));
        assertThat(unseen).allMatch(e -> e.getType() == EventType.SURVEY_RESPONSE && e.getCustomerId() == null);
        assertThat(unseen.stream().map(InteractionEvent::getConversationId).distinct().count()).isEqualTo(unseen.size());
        long unknownCsat = unseen.stream().filter(e -> e.getChannel() == Channel.UNKNOWN
                && e.getSurvey().getKind() == io.carekpi.schema.SurveyKind.CSAT).count();
        long ledgerUnknownCsat = SIM.ledger().days().stream()
                .mapToLong(d -> SIM.ledger().channel(d, Channel.UNKNOWN).get(CSAT_RESPONSES)).sum();
        assertThat(ledgerUnknownCsat).isEqualTo(unknownCsat);
        assertThat(SIM.ledger().days().stream().mapToLong(d -> SIM.ledger().channel(d, Channel.UNKNOWN).get(OPENED)).sum())
                .isZero();
    }

    @Test
    void lateCopiesKeepTheirIdAndConversationAndArriveAfterTheOriginalAsDuplicates() {
        List<LateCopy> copies = SIM.lateCopies();
        long exact = copies.stream().filter(LateCopy::exact).count();
        assertThat(exact).isEqualTo(SIM.stat("timeline.redeliveredHoursLater"));
        assertThat(copies.stream().filter(LateCopy::exact))
                .allMatch(c -> c.after().compareTo(Duration.ofHours(1)) >= 0 && c.after().compareTo(Duration.ofHours(12)) <= 0);
        assertThat(copies.size() - exact).isEqualTo(SIM.stat("timeline.conflictingCopy.CUSTOMER_MESSAGE")
                + SIM.stat("timeline.conflictingCopy.SURVEY_RESPONSE"));

        DeliveredTraffic file = SIM.deliver(new DeliveryOptions(5, Duration.ofSeconds(3), 0.01, 0));
        DeliveredTraffic plain = SIM.deliver(new DeliveryOptions(5, Duration.ofSeconds(3), 0.01, 0));
        assertThat(file.lines()).isEqualTo(plain.lines());
        assertThat(file.arrivals()).hasSize(SIM.events().size() + (int) file.duplicates());
        // in arrival order, the first copy of every id is the planned event itself
        Map<String, InteractionEvent> planned = new HashMap<>();
        SIM.events().forEach(e -> planned.put(e.getEventId(), e));
        Set<String> seen = new HashSet<>();
        List<InteractionEvent> firsts = new ArrayList<>();
        for (InteractionEvent e : file.arrivals()) {
            if (seen.add(e.getConversationId() + "/" + e.getEventId())) {
                firsts.add(e);
            }
        }
        assertThat(firsts).hasSize(SIM.events().size());
        assertThat(firsts).allMatch(e -> e.equals(planned.get(e.getEventId())));
        for (LateCopy c : copies) {
            assertThat(file.arrivals().indexOf(c.copy()) == -1 ? file.arrivals().lastIndexOf(c.original())
                    : file.arrivals().lastIndexOf(c.copy())).isGreaterThan(file.arrivals().indexOf(c.original()));
        }
    }

    @Test
    void conflictingCopiesDifferInContentAndAreStillValid() {
        List<LateCopy> conflicting = SIM.lateCopies().stream().filter(c -> !c.exact()).toList();
        assertThat(conflicting).isNotEmpty().allMatch(c -> !c.copy().equals(c.original()));
        for (LateCopy c : conflicting) {
            assertThat(EventValidator.problem(c.copy())).as("%s", c.copy()).isNull();
        }
    }

    @Test
    void everyEventOfTheTimelinesIsValidAndUnique() {
        Set<String> ids = new HashSet<>();
        for (InteractionEvent e : SIM.events()) {
            assertThat(EventValidator.problem(e)).as("%s", e).isNull();
            assertThat(ids.add(e.getConversationId() + "/" + e.getEventId())).isTrue();
        }
    }

    @Test
    void theSameSeedGivesTheSameTimelinesAndAMonthStaysWithinTheRules() {
        Simulation again = TrafficSimulator.simulate(WEEK.realWorldTimelines(true).build());
        assertThat(again.events()).isEqualTo(SIM.events());
        assertThat(again.lateCopies()).isEqualTo(SIM.lateCopies());
        assertThat(again.stats()).isEqualTo(SIM.stats());
        Simulation month = TrafficSimulator.simulate(SimulationConfig.builder().seed(4).days(31)
                .firstDay(LocalDate.of(2026, 3, 1)).conversationsPerDay(100).realWorldTimelines(true).build());
        assertThat(month.stat("timeline.reopenedAfterFcrWindow.email")).isPositive();
        assertThat(month.ledger().days().last()).isAfter(LocalDate.of(2026, 3, 31));
    }
}
