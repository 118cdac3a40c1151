package io.carekpi.kpi;

import static io.carekpi.schema.Channel.WEB_CHAT;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.config.SlaConfig;
import io.carekpi.config.SlaPolicy;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SlaEvent;
import io.carekpi.testing.ConversationScript;
import io.carekpi.testing.RecordingOutput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlaClocksTest {
    private static final SlaPolicy CHAT = new SlaPolicy(Duration.ofSeconds(100), Duration.ofSeconds(50),
            Duration.ofSeconds(1000), null, null);
    private final ConversationTracker tracker = new ConversationTracker(config(Map.of("WEB_CHAT", CHAT), Map.of()));
    private final Conversation state = new Conversation();
    private final RecordingOutput out = new RecordingOutput();

    private static EngineConfig config(Map<String, SlaPolicy> channels, Map<String, SlaPolicy> queues) {
        EngineConfig.Builder b = EngineConfig.builder();
        b.sla = new SlaConfig(channels, queues, Map.of());
        return b.build();
    }

    /** Feeds events, running every deadline due before each event, and finally up to {@code until}. */
    private void run(ConversationScript script, double untilSeconds) {
        for (InteractionEvent e : script.events()) {
            long t = e.getOccurredAt().toEpochMilli();
            drainUntil(t - 1);
            tracker.onEvent(state, e, out);
        }
        drainUntil(ConversationScript.BASE + Math.round(untilSeconds * 1000));
    }

    private void drainUntil(long t) {
        for (long next = tracker.nextDeadline(state); next <= t; next = tracker.nextDeadline(state)) {
            if (tracker.advanceTo(state, next, out)) {
                return;
            }
        }
    }

    private List<String> statuses() {
        return out.slaEvents.stream().map(e -> e.getClock() + ":" + e.getStatus()).toList();
    }

    private static long at(double s) {
        return ConversationScript.BASE + Math.round(s * 1000);
    }

    @Test
    void firstResponseClockWarnsThenBreachesThenClearsWithItsOverrun() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(130).agentMessage("alice"), 131);
        assertThat(statuses()).containsExactly("FIRST_RESPONSE:WARNING", "FIRST_RESPONSE:BREACHED",
                "FIRST_RESPONSE:CLEARED");
        SlaEvent warning = out.slaEvents.get(0);
        assertThat(warning.getEmittedFor().toEpochMilli()).isEqualTo(at(80));
        assertThat(warning.getSlaEventId()).isEqualTo("c1:FIRST_RESPONSE:1:WARNING");
        SlaEvent breach = out.slaEvents.get(1);
        assertThat(breach.getDeadline().toEpochMilli()).isEqualTo(at(100));
        assertThat(out.slaEvents.get(2).getOverrunMs()).isEqualTo(30_000);
        assertThat(out.only(FactKind.SLA_FIRST_RESPONSE_BREACHED).at).isEqualTo(at(100));
        assertThat(out.only(FactKind.SLA_WARNING).at).isEqualTo(at(80));
        assertThat(out.facts(FactKind.SLA_FIRST_RESPONSE_MET)).isEmpty();
    }

    @Test
    void aReplyExactlyAtTheDeadlineIsMetAndNothingFollowsAMetClock() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(100).agentMessage("alice"), 5000);
        assertThat(statuses()).containsExactly("FIRST_RESPONSE:WARNING", "RESOLUTION:WARNING", "RESOLUTION:BREACHED");
        assertThat(out.only(FactKind.SLA_FIRST_RESPONSE_MET).agent).isEqualTo("alice");
    }

    @Test
    void nextResponseClocksWarnBreachAndClearEachWithItsOwnSequence() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(10).agentMessage("alice")
                .at(20).customerMessage().at(30).agentMessage("alice")
                .at(40).customerMessage().at(100).agentMessage("alice").at(110).resolved("alice"), 200);
        assertThat(out.slaEvents).extracting(SlaEvent::getSlaEventId).containsExactly(
                "c1:NEXT_RESPONSE:2:WARNING", "c1:NEXT_RESPONSE:2:BREACHED", "c1:NEXT_RESPONSE:2:CLEARED");
        assertThat(out.facts(FactKind.SLA_NEXT_RESPONSE_MET)).hasSize(1);
        assertThat(out.facts(FactKind.SLA_NEXT_RESPONSE_BREACHED)).hasSize(1);
        assertThat(out.facts(FactKind.SLA_RESOLUTION_MET)).hasSize(1);
    }

    @Test
    void resolutionCancelsResponseClocksWithoutAVerdict() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(1).botMessage().at(50).resolved(null), 3000);
        assertThat(out.slaEvents).isEmpty();
        assertThat(out.facts(FactKind.SLA_FIRST_RESPONSE_MET)).isEmpty();
        assertThat(out.only(FactKind.SLA_RESOLUTION_MET)).isNotNull();
        assertThat(state.sla.running).isEmpty();
    }

    @Test
    void closeCancelsEveryRunningClock() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(50).closed(), 3000);
        assertThat(out.slaEvents).isEmpty();
        assertThat(state.sla.running).isEmpty();
    }

    @Test
    void aReopenStartsANewResolutionClock() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(10).agentMessage("alice")
                .at(20).resolved("alice").at(500).reopened(), 2000);
        assertThat(out.slaEvents).extracting(SlaEvent::getSlaEventId)
                .containsExactly("c1:RESOLUTION:2:WARNING", "c1:RESOLUTION:2:BREACHED");
        assertThat(out.slaEvents.get(1).getStartedAt().toEpochMilli()).isEqualTo(at(500));
        assertThat(out.slaEvents.get(1).getEmittedFor().toEpochMilli()).isEqualTo(at(1500));
    }

    @Test
    void aTransferDoesNotRestartTheFirstResponseClock() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(10).assigned("alice")
                .at(60).transferred("bob").at(70).assigned("bob"), 101);
        assertThat(out.slaEvents).extracting(SlaEvent::getSlaEventId)
                .containsExactly("c1:FIRST_RESPONSE:1:WARNING", "c1:FIRST_RESPONSE:1:BREACHED");
        assertThat(out.slaEvents.get(1).getAgentId()).as("held by bob at the deadline").isEqualTo("bob");
        assertThat(out.only(FactKind.SLA_FIRST_RESPONSE_BREACHED).agent).isEqualTo("bob");
    }

    @Test
    void aConversationResolvedBeforeItsDeadlinesLeavesOnlyItsExpiry() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(10).agentMessage("alice")
                .at(20).resolved("alice"), 21);
        assertThat(state.sla.running).isEmpty();
        assertThat(tracker.nextDeadline(state)).isEqualTo(tracker.expiresAt(state));
    }

    @Test
    void aQueuePolicyOverridesTheChannelsThresholds() {
        ConversationTracker vip = new ConversationTracker(config(Map.of("WEB_CHAT", CHAT),
                Map.of("vip", new SlaPolicy(Duration.ofSeconds(10), null, null, 1.0, null))));
        Conversation s = new Conversation();
        RecordingOutput o = new RecordingOutput();
        conversation("c1", WEB_CHAT).customer("u1").queue("vip").at(0).opened().at(20).agentMessage("a")
                .events().forEach(e -> {
                    vip.advanceTo(s, e.getOccurredAt().toEpochMilli() - 1, o);
                    vip.onEvent(s, e, o);
                });
        assertThat(o.slaEvents).extracting(e -> e.getClock() + ":" + e.getStatus() + ":" + e.getThresholdMs())
                .containsExactly("FIRST_RESPONSE:BREACHED:10000", "FIRST_RESPONSE:CLEARED:10000");
    }
}
