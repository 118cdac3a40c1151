package io.carekpi.kpi;

import static io.carekpi.schema.Channel.EMAIL;
import static io.carekpi.schema.Channel.SMS;
import static io.carekpi.schema.Channel.VOICE;
import static io.carekpi.schema.Channel.WEB_CHAT;
import static io.carekpi.schema.Channel.WHATSAPP;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.config.SlaConfig;
import io.carekpi.config.SlaPolicy;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.ConversationScript;
import io.carekpi.testing.RecordingOutput;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationTrackerTest {
    private final ConversationTracker tracker = new ConversationTracker(EngineConfig.defaults());
    private final Conversation state = new Conversation();
    private final RecordingOutput out = new RecordingOutput();

    private RecordingOutput run(ConversationScript script) {
        for (InteractionEvent e : script.events()) {
            tracker.advanceTo(state, e.getOccurredAt().toEpochMilli() - 1, out);
            tracker.onEvent(state, e, out);
        }
        return out;
    }

    private static long s(double seconds) {
        return Math.round(seconds * 1000);
    }

    private static ConversationTracker trackerWithSla() {
        EngineConfig.Builder b = EngineConfig.builder();
        b.sla = new SlaConfig(Map.of("SMS", new SlaPolicy(Duration.ofMinutes(15), null, Duration.ofHours(24), null,
                null)), Map.of(), Map.of());
        return new ConversationTracker(b.build());
    }

    @Test
    void aSurveyOfAConversationNeverSeenOpensNothingStartsNoClockAndCountsToItsOwnDimensions() {
        ConversationTracker withSla = trackerWithSla();
        InteractionEvent survey = conversation("solved-last-week", SMS).queue("billing").at(0)
                .survey(SurveyKind.CSAT, 5, null, "bob").last();
        withSla.onEvent(state, survey, out);
        assertThat(out.facts).singleElement().satisfies(f -> {
            assertThat(f.kind).isEqualTo(FactKind.CSAT);
            assertThat(f.channel).isEqualTo("SMS");
            assertThat(f.agent).isEqualTo("bob");
            assertThat(f.queue).isEqualTo("billing");
        });
        assertThat(state.isOpened()).as("no conversation opened").isFalse();
        withSla.advanceTo(state, Long.MAX_VALUE - 1, out);
        assertThat(out.slaEvents).as("no clock started").isEmpty();
        assertThat(out.signals).isEmpty();
    }

    @Test
    void aSurveyWithoutChannelOfAConversationNeverSeenCountsToTheUnknownChannel() {
        InteractionEvent survey = conversation("gone", SMS).at(0).survey(SurveyKind.NPS, 9, null, null).last();
        survey.setChannel(Channel.UNKNOWN);
        tracker.onEvent(state, survey, out);
        assertThat(out.only(FactKind.NPS).channel).isEqualTo("UNKNOWN");
        assertThat(out.only(FactKind.NPS).agent).isNull();
    }

    @Test
    void anEventWithoutChannelBelongsToTheConversationsChannel() {
        ConversationScript c = conversation("c1", WHATSAPP).customer("u1").at(0).opened().at(30).agentMessage("alice");
        InteractionEvent noChannel = c.at(60).customerMessage().last();
        noChannel.setChannel(Channel.UNKNOWN);
        InteractionEvent survey = c.at(90).survey(SurveyKind.CSAT, 4, null, null).last();
        survey.setChannel(Channel.UNKNOWN);
        run(c);
        assertThat(out.facts(FactKind.CUSTOMER_MESSAGE)).singleElement().satisfies(f -> assertThat(f.channel).isEqualTo("WHATSAPP"));
        assertThat(out.only(FactKind.CSAT).channel).isEqualTo("WHATSAPP");
        assertThat(out.only(FactKind.CSAT).agent).as("the last holder").isEqualTo("alice");
    }

    @Test
    void firstResponseTimeRunsFromOpenedToFirstAgentMessage() {
        run(conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(20).customerMessage().at(95).agentMessage("alice").at(100).agentMessage("alice"));
        KpiFact frt = out.only(FactKind.FIRST_RESPONSE);
        assertThat(frt.value).isEqualTo(s(95));
        assertThat(frt.agent).isEqualTo("alice");
        assertThat(frt.at).isEqualTo(ConversationScript.BASE + s(95));
        assertThat(out.only(FactKind.OPENED).channel).isEqualTo("WEB_CHAT");
    }

    @Test
    void firstResponseClockStartsAtFirstCustomerMessageWhenThereIsNoOpenedEvent() {
        run(conversation("c1", WHATSAPP).customer("u1").at(10).customerMessage().at(70).agentMessage("bob"));
        assertThat(out.only(FactKind.FIRST_RESPONSE).value).isEqualTo(s(60));
    }

    @Test
    void botMessagesDoNotStopTheFirstResponseClockButGiveABotFirstResponse() {
        run(conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(2).botMessage().at(5).botMessage().at(300).agentMessage("alice"));
        assertThat(out.only(FactKind.BOT_FIRST_RESPONSE).value).isEqualTo(s(2));
        assertThat(out.only(FactKind.FIRST_RESPONSE).value).isEqualTo(s(300));
        assertThat(out.facts(FactKind.BOT_MESSAGE)).hasSize(2);
    }

    @Test
    void outboundConversationHasNoFirstResponse() {
        run(conversation("c1", EMAIL).customer("u1").at(0).agentMessage("alice").at(60).customerMessage()
                .at(120).agentMessage("alice"));
        assertThat(out.facts(FactKind.FIRST_RESPONSE)).isEmpty();
        assertThat(out.only(FactKind.NEXT_RESPONSE).value).isEqualTo(s(60));
        assertThat(out.signals).as("an outbound contact is no customer opening").isEmpty();
    }

    @Test
    void nextResponseSamplesEachWaitThatStartsWhileNoReplyIsPending() {
        run(conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(10).agentMessage("alice")
                .at(20).customerMessage().at(25).customerMessage().at(50).agentMessage("alice")
                .at(60).agentMessage("alice")
                .at(70).customerMessage().at(75).botMessage().at(90).agentMessage("bob"));
        assertThat(out.facts(FactKind.NEXT_RESPONSE)).extracting(f -> f.value).containsExactly(s(30), s(20));
        assertThat(out.facts(FactKind.NEXT_RESPONSE).get(1).agent).isEqualTo("bob");
    }

    @Test
    void resolutionEndsAPendingWaitWithoutANextResponseSample() {
        run(conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(10).agentMessage("alice").at(20).customerMessage().at(30).resolved("alice")
                .at(40).agentMessage("alice"));
        assertThat(out.facts(FactKind.NEXT_RESPONSE)).isEmpty();
    }

    @Test
    void customerMessageAfterResolutionIsAMessageNotAReopen() {
        run(conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(10).agentMessage("alice").at(30).resolved("alice").at(40).customerMessage());
        assertThat(out.facts(FactKind.REOPENED)).isEmpty();
        assertThat(state.resolution.resolvedNow).isTrue();
    }

    @Test
    void handleSegmentSplitsTalkAndHoldAndCountsWhenTheSegmentEnds() {
        run(conversation("c1", VOICE).customer("u1").queue("billing")
                .at(0).opened().at(5).assigned("alice").at(8).agentMessage("alice")
                .at(60).holdStarted().at(90).holdEnded().at(100).holdStarted().at(110).holdEnded()
                .at(200).resolved(null));
        KpiFact handled = out.only(FactKind.HANDLED);
        assertThat(handled.agent).isEqualTo("alice");
        assertThat(handled.queue).isEqualTo("billing");
        assertThat(handled.at).isEqualTo(ConversationScript.BASE + s(200));
        assertThat(handled.holdMs).as("hold").isEqualTo(s(40));
        assertThat(handled.talkMs()).as("talk = segment - hold").isEqualTo(s(195) - s(40));
        assertThat(handled.holds).as("holds").isEqualTo(2);
        assertThat(out.only(FactKind.RESOLVED).agent).as("resolution goes to the segment's agent").isEqualTo("alice");
    }

    @Test
    void anOpenHoldEndsWithTheSegment() {
        run(conversation("c1", VOICE).customer("u1")
                .at(0).opened().at(5).assigned("alice").at(50).holdStarted().at(80).transferred(null));
        KpiFact handled = out.only(FactKind.HANDLED);
        assertThat(handled.holdMs).isEqualTo(s(30));
        assertThat(handled.holds).isEqualTo(1);
        assertThat(out.only(FactKind.TRANSFER).agent).isEqualTo("alice");
    }

    @Test
    void firstAgentMessageStartsASegmentWhenTheAgentWasNeverAssigned() {
        run(conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(30).agentMessage("alice").at(90).resolved(null));
        KpiFact handled = out.only(FactKind.HANDLED);
        assertThat(handled.agent).isEqualTo("alice");
        assertThat(handled.talkMs()).isEqualTo(s(60));
    }

    @Test
    void assignmentToAnotherAgentEndsTheSegmentAndStartsANewOne() {
        run(conversation("c1", VOICE).customer("u1")
                .at(0).opened().at(10).assigned("alice").at(40).assigned("alice").at(70).assigned("bob")
                .at(100).closed());
        assertThat(out.facts(FactKind.HANDLED)).extracting(f -> f.agent + ":" + f.talkMs())
                .containsExactly("alice:" + s(60), "bob:" + s(30));
    }

    @Test
    void wrapUpCountsWhenItEndsForItsAgent() {
        run(conversation("c1", VOICE).customer("u1")
                .at(0).opened().at(5).assigned("alice").at(65).resolved("alice")
                .at(70).wrapUpStarted("alice").at(100).wrapUpEnded("alice"));
        KpiFact wrap = out.only(FactKind.WRAP_UP);
        assertThat(wrap.value).isEqualTo(s(30));
        assertThat(wrap.agent).isEqualTo("alice");
        assertThat(wrap.at).isEqualTo(ConversationScript.BASE + s(100));
    }

    @Test
    void wrapUpWithoutAgentBelongsToTheLatestSegmentsAgent() {
        run(conversation("c1", VOICE).customer("u1")
                .at(0).opened().at(5).assigned("alice").at(10).assigned("bob").at(65).resolved(null)
                .at(70).wrapUpStarted(null).at(80).wrapUpEnded(null));
        assertThat(out.only(FactKind.WRAP_UP).agent).isEqualTo("bob");
    }

    @Test
    void anOpenWrapUpEndsAtCloseOrAfterMaxWrapUp() {
        run(conversation("c1", VOICE).customer("u1")
                .at(0).opened().at(5).assigned("alice").at(65).resolved("alice")
                .at(70).wrapUpStarted("alice").at(90).closed());
        assertThat(out.only(FactKind.WRAP_UP).value).isEqualTo(s(20));

        Conversation other = new Conversation();
        RecordingOutput o2 = new RecordingOutput();
        ConversationScript c2 = conversation("c2", VOICE).customer("u2").at(0).opened().at(5).assigned("bob")
                .at(65).resolved("bob").at(70).wrapUpStarted("bob");
        c2.events().forEach(e -> tracker.onEvent(other, e, o2));
        long limit = c2.now() + Duration.ofMinutes(30).toMillis();
        assertThat(tracker.nextDeadline(other)).isEqualTo(limit);
        tracker.advanceTo(other, limit, o2);
        assertThat(o2.only(FactKind.WRAP_UP).value).isEqualTo(Duration.ofMinutes(30).toMillis());
        assertThat(o2.only(FactKind.WRAP_UP).at).isEqualTo(limit);
    }

    @Test
    void resolutionTimeRunsFromOpenedAndEachResolutionCounts() {
        run(conversation("c1", EMAIL).customer("u1")
                .at(0).opened().at(100).agentMessage("alice").at(600).resolved("alice")
                .at(700).reopened().at(900).resolved("bob"));
        assertThat(out.facts(FactKind.RESOLVED)).extracting(f -> f.value + "@" + f.agent)
                .containsExactly(s(600) + "@alice", s(900) + "@bob");
        assertThat(out.only(FactKind.REOPENED)).isNotNull();
        assertThat(out.signals).extracting(sig -> sig.kind + ":" + sig.eligible).containsExactly(
                "OPENED:false", "RESOLVED:true", "REOPENED:false", "RESOLVED:false");
        assertThat(out.summaries).hasSize(2);
    }

    @Test
    void closedWithoutReplyResolutionOrDeflectionIsAbandoned() {
        run(conversation("c1", VOICE).customer("u1").at(0).opened().at(3).botMessage().at(45).closed());
        assertThat(out.only(FactKind.ABANDONED).value).isEqualTo(s(45));
        assertThat(out.summaries.get(0).getAbandoned()).isTrue();

        Conversation other = new Conversation();
        RecordingOutput o2 = new RecordingOutput();
        conversation("c2", VOICE).customer("u1").at(0).opened().at(20).deflected().at(30).closed()
                .events().forEach(e -> tracker.onEvent(other, e, o2));
        assertThat(o2.facts(FactKind.ABANDONED)).isEmpty();
        assertThat(o2.facts(FactKind.DEFLECTED)).hasSize(1);
    }

    @Test
    void abandonWaitStartsAtTheCustomersFirstWait() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).assigned("alice").at(30).customerMessage()
                .at(90).closed());
        assertThat(out.only(FactKind.ABANDONED).value).isEqualTo(s(60));
    }

    @Test
    void resolvedByTheBotAloneIsContained() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(1).botMessage().at(30).resolved(null));
        assertThat(out.facts(FactKind.BOT_CONTAINED)).hasSize(1);
        Conversation other = new Conversation();
        RecordingOutput o2 = new RecordingOutput();
        conversation("c2", WEB_CHAT).customer("u1").at(0).opened().at(1).botMessage().at(20).agentMessage("a")
                .at(30).resolved(null).events().forEach(e -> tracker.onEvent(other, e, o2));
        assertThat(o2.facts(FactKind.BOT_CONTAINED)).isEmpty();
    }

    @Test
    void surveysGoToTheirAgentElseTheLastHolderAndCsatSatisfiedAtEightyPercent() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(10).assigned("alice")
                .at(20).assigned("bob").at(30).resolved(null)
                .at(40).survey(SurveyKind.CSAT, 4, null, null)
                .at(41).survey(SurveyKind.CSAT, 7, 10, "carol")
                .at(42).survey(SurveyKind.NPS, 9, null, null));
        assertThat(out.facts(FactKind.CSAT)).extracting(f -> f.agent + ":" + f.value + ":" + f.satisfied)
                .containsExactly("bob:4:true", "carol:7:false");
        assertThat(out.only(FactKind.NPS).agent).isEqualTo("bob");
    }

    @Test
    void factsGoToTheLastNamedQueueAndFactsWithoutAnActorToTheEventsOwnAgent() {
        ConversationScript c = conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(5).queue("sales")
                .customerMessage().at(6).queue(null).event(io.carekpi.schema.EventType.CUSTOMER_MESSAGE, "x");
        run(c);
        assertThat(out.facts(FactKind.CUSTOMER_MESSAGE)).extracting(f -> f.queue + ":" + f.agent)
                .containsExactly("sales:null", "sales:x");
        assertThat(out.only(FactKind.OPENED).queue).isNull();
    }

    @Test
    void aClosedConversationIsRememberedTheRetentionAfterItsLastEvent() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(10).agentMessage("a").at(20).closed());
        long closedAt = ConversationScript.BASE + s(20);
        long expiry = closedAt + Duration.ofDays(30).toMillis();
        assertThat(tracker.nextDeadline(state)).isEqualTo(expiry);
        assertThat(tracker.advanceTo(state, expiry - 1, out)).isFalse();
        assertThat(tracker.advanceTo(state, expiry, out)).isTrue();
    }

    @Test
    void anOpenConversationIsRememberedAsLongAsAClosedOne() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened());
        assertThat(tracker.expiresAt(state)).isEqualTo(ConversationScript.BASE + Duration.ofDays(30).toMillis());
    }

    @Test
    void liveGaugesHearWhenTheCustomerStartsWaitingMovesQueueAndIsAnswered() {
        ConversationScript c = conversation("c1", WHATSAPP).customer("u1").queue("sales");
        java.util.List<InteractionEvent> events = c.at(0).customerMessage().at(5).botMessage()
                .at(10).queue("billing").transferred(null).at(20).agentMessage("bob").events();
        for (InteractionEvent e : events) {
            tracker.onEvent(state, e, out);
            tracker.reportWaiting(state, out, false);
        }
        assertThat(out.waits).extracting(u -> u.queue + ":" + (u.waiting() ? (u.since - ConversationScript.BASE) / 1000 : "-"))
                .containsExactly("sales:0", "sales:-", "billing:0", "billing:-");
    }

    @Test
    void anAgentWhoPicksUpATransferredConversationByMessageStartsASegment() {
        run(conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(10).agentMessage("alice").at(40).transferred(null)
                .at(100).agentMessage("bob").at(160).resolved(null));
        assertThat(out.facts(FactKind.HANDLED)).extracting(f -> f.agent + ":" + f.talkMs())
                .containsExactly("alice:" + s(30), "bob:" + s(60));
    }

    @Test
    void anotherAgentsMessageDuringAnOpenSegmentStartsNoSecondSegment() {
        run(conversation("c1", WEB_CHAT).customer("u1")
                .at(0).opened().at(10).assigned("alice").at(20).agentMessage("bob").at(70).resolved(null));
        assertThat(out.facts(FactKind.HANDLED)).extracting(f -> f.agent).containsExactly("alice");
        assertThat(out.only(FactKind.FIRST_RESPONSE).agent).as("the reply still counts for its author").isEqualTo("bob");
    }

    @Test
    void holdsOutsideASegmentAreIgnored() {
        run(conversation("c1", VOICE).customer("u1")
                .at(0).opened().at(5).holdStarted().at(30).holdEnded().at(40).assigned("alice").at(100).closed());
        KpiFact handled = out.only(FactKind.HANDLED);
        assertThat(handled.holdMs).isZero();
        assertThat(handled.holds).isZero();
    }

    @Test
    void aRepeatedCloseChangesNothing() {
        run(conversation("c1", VOICE).customer("u1").at(0).opened().at(30).closed().at(40).closed());
        assertThat(out.facts(FactKind.ABANDONED)).hasSize(1);
        assertThat(out.summaries).hasSize(1);
    }

    @Test
    void aBotMessageAfterTheFirstAgentReplyGivesNoBotFirstResponse() {
        run(conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(10).agentMessage("alice")
                .at(20).botMessage());
        assertThat(out.facts(FactKind.BOT_FIRST_RESPONSE)).isEmpty();
        assertThat(out.facts(FactKind.BOT_MESSAGE)).hasSize(1);
    }

    @Test
    void articleViewsKeepNoState() {
        InteractionEvent view = conversation("s1", WEB_CHAT).at(0).articleViewed("kb-1", 4200).last();
        assertThat(ConversationTracker.keepsNoState(view)).isTrue();
        out.fact(tracker.articleViewed(view));
        assertThat(out.only(FactKind.ARTICLE_VIEWED).value).isEqualTo(4200);
    }
}
