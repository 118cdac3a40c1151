package io.carekpi.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.ConversationOutput;
import io.carekpi.kpi.ConversationTracker;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiFact;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.schema.Channel;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SlaEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo's traffic, an hour of it from the moment the demo starts, through the engine's own rules
 * ({@code ConversationTracker} with the shipped configuration, the demo's): a normal demo is a
 * healthy contact centre, a busy day is not.
 */
class DemoTrafficTest {
    private static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    /** The demo starts its simulated day at {@code START_HOUR}; started then, nothing is shifted. */
    private static final Instant START = DAY.atStartOfDay().plusHours(DemoTraffic.START_HOUR)
            .toInstant(java.time.ZoneOffset.UTC);
    private static final Path SHIPPED_CONFIG = Path.of("../jobs/kpi-engine/config.yaml");
    private static final long SEED = 7;

    @Test
    void aNormalDemoAnswersMostCallsWithinTheVoiceTarget() throws Exception {
        double serviceLevel = voiceServiceLevelOfTheFirstHour(DemoTraffic.NORMAL);
        assertThat(serviceLevel).as("VOICE service level of a normal demo hour").isGreaterThanOrEqualTo(0.8);
        assertThat(serviceLevel).as("a few calls still miss it, as in a real contact centre").isLessThan(1.0);
    }

    @Test
    void aBusyDayMissesTheVoiceTarget() throws Exception {
        assertThat(voiceServiceLevelOfTheFirstHour(DemoTraffic.BUSY_DAY)).as("VOICE service level of a busy hour")
                .isLessThan(0.5);
    }

    /** First responses within the VOICE SLA / first responses due, of the calls opened in the demo's first hour. */
    private static double voiceServiceLevelOfTheFirstHour(DemoTraffic traffic) throws Exception {
        EngineConfig config = EngineConfig.load(SHIPPED_CONFIG);
        List<InteractionEvent> events = TrafficSender.liveDay(
                traffic.config(SEED, DemoTraffic.CONVERSATIONS_PER_DAY, DAY), DemoTraffic.START_HOUR, START);
        Map<String, List<InteractionEvent>> calls = new LinkedHashMap<>();
        long hourEnd = START.plus(Duration.ofHours(1)).toEpochMilli();
        for (InteractionEvent e : events) {
            if (e.getChannel() == Channel.VOICE
                    && (calls.containsKey(e.getConversationId()) || e.getOccurredAt().toEpochMilli() < hourEnd)) {
                calls.computeIfAbsent(e.getConversationId(), k -> new ArrayList<>()).add(e);
            }
        }
        ConversationTracker tracker = new ConversationTracker(config);
        long[] metAndBreached = new long[2];
        ConversationOutput out = new ConversationOutput() {
            @Override
            public void fact(KpiFact f) {
                if (f.kind == FactKind.SLA_FIRST_RESPONSE_MET) {
                    metAndBreached[0]++;
                } else if (f.kind == FactKind.SLA_FIRST_RESPONSE_BREACHED) {
                    metAndBreached[1]++;
                }
            }

            @Override
            public void customerSignal(CustomerSignal signal) {}

            @Override
            public void summary(ConversationSummary summary) {}

            @Override
            public void slaEvent(SlaEvent event) {}
        };
        for (List<InteractionEvent> call : calls.values()) {
            Conversation s = new Conversation();
            long last = 0;
            for (InteractionEvent e : call) {
                last = e.getOccurredAt().toEpochMilli();
                if (s.isOpened() && tracker.nextDeadline(s) < last) {
                    tracker.advanceTo(s, last - 1, out);
                }
                tracker.onEvent(s, e, out);
            }
            tracker.advanceTo(s, last + Duration.ofHours(1).toMillis(), out);
        }
        assertThat(calls).as("calls opened in the first hour").hasSizeGreaterThan(200);
        assertThat(metAndBreached[0] + metAndBreached[1]).as("first responses due").isGreaterThan(100);
        return (double) metAndBreached[0] / (metAndBreached[0] + metAndBreached[1]);
    }
}
