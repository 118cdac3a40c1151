package io.carekpi.kpi;

import static io.carekpi.kpi.conversation.Conversation.NONE;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.kpi.conversation.GaugeReport;
import io.carekpi.kpi.conversation.HandleSegment;
import io.carekpi.kpi.conversation.HandleTotals;
import io.carekpi.kpi.conversation.Resolution;
import io.carekpi.kpi.conversation.ResponseClocks;
import io.carekpi.kpi.conversation.WrapUps;
import io.carekpi.schema.Channel;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SlaClock;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SummaryTrigger;
import java.io.Serializable;
import java.time.Instant;

/**
 * The per-conversation rules of SPEC section 2: evaluates one conversation's events in event-time
 * order and reports completed facts, customer signals and summaries. Plain Java: the Flink function
 * around it only orders events, keeps the state and turns deadlines into timers.
 *
 * <p>Callers must feed events of one conversation in ({@code occurredAt}, arrival) order and call
 * {@link #advanceTo} with increasing times; events at an instant come before the deadlines due then.
 */
public final class ConversationTracker implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long maxWrapUpMs;
    private final long retentionMs;
    private final SlaClocks sla;

    public ConversationTracker(EngineConfig config) {
        this.maxWrapUpMs = config.maxWrapUp.toMillis();
        this.retentionMs = config.conversationRetention.toMillis();
        this.sla = new SlaClocks(config.sla);
    }

    /** ARTICLE_VIEWED belongs to a self-service session: it opens nothing and keeps no state. */
    public static boolean keepsNoState(InteractionEvent e) {
        return e.getType() == io.carekpi.schema.EventType.ARTICLE_VIEWED;
    }

    /** The fact of an article read (no conversation state involved). */
    public KpiFact articleViewed(InteractionEvent e) {
        return KpiFact.of(time(e), e.getChannel().name(), e.getAgentId(), e.getQueue(), FactKind.ARTICLE_VIEWED,
                e.getArticle().getDwellMs());
    }

    private static long time(InteractionEvent e) {
        return e.getOccurredAt().toEpochMilli();
    }

    /**
     * A survey never opens a conversation (SPEC section 1): one for a conversation not remembered
     * (answered after it was forgotten, or never seen) counts on its own and keeps no state.
     */
    private static boolean opensNothing(Conversation s, InteractionEvent e) {
        return !s.isOpened() && e.getType() == io.carekpi.schema.EventType.SURVEY_RESPONSE;
    }

    /** Applies one valid event to the conversation. */
    public void onEvent(Conversation s, InteractionEvent e, ConversationOutput out) {
        long t = time(e);
        if (opensNothing(s, e)) {
            // Its own channel (else UNKNOWN), queue and agent: nothing of a conversation to go by.
            out.fact(surveyFact(e, t, e.getChannel().name(), e.getAgentId(), e.getQueue()));
            return;
        }
        identify(s, e, t, out);
        String own = e.getAgentId();
        switch (e.getType()) {
            case CONVERSATION_OPENED -> startFirstWait(s, t);
            case CUSTOMER_MESSAGE -> customerMessage(s, t, own, out);
            case AGENT_MESSAGE -> agentMessage(s, t, own, out);
            case BOT_MESSAGE -> botMessage(s, t, own, out);
            case AGENT_ASSIGNED -> assigned(s, t, own, out);
            case TRANSFERRED -> transferred(s, t, out);
            case ESCALATED -> escalated(s, t, out);
            case HOLD_STARTED -> s.segment.holdStarted(t);
            case HOLD_ENDED -> s.segment.holdEnded(t);
            case WRAP_UP_STARTED -> s.wrapUps.start(own != null ? own : s.segment.lastHolder, t);
            case WRAP_UP_ENDED -> wrapUpEnded(s, own != null ? own : s.segment.lastHolder, t, out);
            case RESOLVED -> resolved(s, t, own, out);
            case REOPENED -> reopened(s, t, own, out);
            case CONVERSATION_CLOSED -> closed(s, t, own, out);
            case SURVEY_RESPONSE -> survey(s, e, t, out);
            case DEFLECTED -> deflected(s, t, own, out);
            case ARTICLE_VIEWED -> out.fact(articleViewed(e));
            default -> {
                // UNKNOWN types are filtered (and counted) before the tracker.
            }
        }
    }

    /**
     * What every event tells: the opening (with its resolution clock), the latest queue, the channel
     * once known, and the customer, announced once to the customer stage (not for outbound contacts).
     */
    private void identify(Conversation s, InteractionEvent e, long t, ConversationOutput out) {
        boolean opening = !s.isOpened();
        if (opening) {
            open(s, e, t, out);
        }
        if (e.getQueue() != null) {
            s.queue = e.getQueue();
        }
        if (Channel.UNKNOWN.name().equals(s.channel) && e.getChannel() != Channel.UNKNOWN) {
            s.channel = e.getChannel().name();
        }
        if (opening) {
            sla.start(s, SlaClock.RESOLUTION, t);
        }
        if (e.getCustomerId() != null && s.customerId == null) {
            s.customerId = e.getCustomerId();
        }
        if (!s.customerSignalled && s.customerId != null && !s.outbound) {
            s.customerSignalled = true;
            out.customerSignal(CustomerSignal.opened(t, s.customerId, s.conversationId, s.openedAt));
        }
        s.lastEventAt = t;
    }

    /**
     * Tells the live gauges what changed since they were last told: the wait started, ended, or
     * moved to another queue. Called after each instant's events and deadlines.
     */
    public void reportWaiting(Conversation s, ConversationOutput out, boolean forget) {
        long since = forget ? NONE : s.waitingSince();
        GaugeReport told = s.gauge;
        if (told.says(since, s.channel, s.queue)) {
            return;
        }
        if (told.waiting()) {
            out.waiting(new WaitUpdate(s.conversationId, told.channel, told.queue, NONE));
        }
        if (since != NONE) {
            out.waiting(new WaitUpdate(s.conversationId, s.channel, s.queue, since));
        }
        told.told(since, s.channel, s.queue);
    }

    private void open(Conversation s, InteractionEvent e, long t, ConversationOutput out) {
        s.conversationId = e.getConversationId();
        s.openedAt = t;
        s.channel = e.getChannel().name();
        s.queue = e.getQueue();
        s.outbound = e.getType() == io.carekpi.schema.EventType.AGENT_MESSAGE;
        emit(out, s, t, e.getAgentId(), FactKind.OPENED, 0);
    }

    /** The customer's first wait starts (opened, or a customer message before any reply): FRT and its SLA clock. */
    private void startFirstWait(Conversation s, long t) {
        if (s.responses.startFirstWait(t)) {
            sla.start(s, SlaClock.FIRST_RESPONSE, t);
        }
    }

    /** Starts the first wait before any reply, a next-response wait after one (unless one is pending). */
    private void customerMessage(Conversation s, long t, String own, ConversationOutput out) {
        SlaClock waitStarted = s.responses.customerMessage(t);
        emit(out, s, t, own, FactKind.CUSTOMER_MESSAGE, 0);
        if (waitStarted != null) {
            sla.start(s, waitStarted, t);
        }
    }

    /** Answers the first or the pending wait, may start the agent's segment, and stops the wait's SLA clock. */
    private void agentMessage(Conversation s, long t, String own, ConversationOutput out) {
        String agent = own != null ? own : s.segment.agent;
        emit(out, s, t, agent, FactKind.AGENT_MESSAGE, 0);
        ResponseClocks.Reply reply = s.responses.agentMessage(t);
        if (reply.sampled()) {
            FactKind kind = reply.clock() == SlaClock.FIRST_RESPONSE ? FactKind.FIRST_RESPONSE : FactKind.NEXT_RESPONSE;
            emit(out, s, t, agent, kind, reply.waitMs());
        }
        if (!s.segment.isOpen() && own != null) {
            s.segment.start(own, t);
        }
        // The SLA fact of a reply goes to the agent holding the conversation once it replied.
        sla.stop(s, reply.clock(), t, out);
    }

    /** Bot messages stop no clock; the first one during the customer's first wait is the bot's first response. */
    private void botMessage(Conversation s, long t, String own, ConversationOutput out) {
        long botFirstResponse = s.responses.botMessage(t);
        emit(out, s, t, own, FactKind.BOT_MESSAGE, 0);
        if (botFirstResponse != NONE) {
            emit(out, s, t, own, FactKind.BOT_FIRST_RESPONSE, botFirstResponse);
        }
    }

    /** An assignment to another agent ends the open segment and starts theirs; to the same agent, nothing. */
    private void assigned(Conversation s, long t, String own, ConversationOutput out) {
        if (!s.segment.isHeldBy(own)) {
            endSegment(s, t, out);
            s.segment.start(own, t);
        }
    }

    private void transferred(Conversation s, long t, ConversationOutput out) {
        s.resolution.transferred();
        emit(out, s, t, s.segment.agent, FactKind.TRANSFER, 0);
        endSegment(s, t, out);
    }

    private void escalated(Conversation s, long t, ConversationOutput out) {
        s.resolution.escalated();
        emit(out, s, t, s.segment.agent, FactKind.ESCALATION, 0);
        endSegment(s, t, out);
    }

    /** Ends the open segment (if any) at {@code t}: one handled contact with its talk and hold. */
    private void endSegment(Conversation s, long t, ConversationOutput out) {
        HandleSegment.Handled handled = s.segment.end(t);
        if (handled == null) {
            return;
        }
        long talk = handled.talkMs();
        long hold = handled.holdMs();
        int holds = handled.holds();
        out.fact(KpiFact.handled(t, s.channel, handled.agent(), s.queue, talk, hold, holds));
        s.handling.add(handled);
    }

    private void wrapUpEnded(Conversation s, String agent, long t, ConversationOutput out) {
        WrapUps.OpenWrapUp w = s.wrapUps.end(agent);
        if (w != null) {
            finishWrapUp(s, w, t, out);
        }
    }

    private void finishWrapUp(Conversation s, WrapUps.OpenWrapUp w, long end, ConversationOutput out) {
        long d = w.lengthAt(end, maxWrapUpMs);
        out.fact(KpiFact.of(end, s.channel, w.agent, s.queue, FactKind.WRAP_UP, d));
        s.handling.addWrapUp(d);
    }

    /**
     * One resolution: ends the pending wait and cancels the response clocks (no verdict), stops the
     * resolution clock, tells the customer stage, ends the segment and summarises.
     */
    private void resolved(Conversation s, long t, String own, ConversationOutput out) {
        String agent = own != null ? own : s.segment.agent;
        boolean byBotAlone = s.responses.botOnly();
        s.resolution.resolved(t - s.openedAt, byBotAlone);
        s.responses.endPendingWait();
        sla.cancel(s, SlaClock.FIRST_RESPONSE);
        sla.cancel(s, SlaClock.NEXT_RESPONSE);
        sla.stop(s, SlaClock.RESOLUTION, t, out);
        emit(out, s, t, agent, FactKind.RESOLVED, s.resolution.lastResolutionMs);
        if (byBotAlone) {
            emit(out, s, t, own, FactKind.BOT_CONTAINED, 0);
        }
        if (s.customerSignalled) {
            out.customerSignal(CustomerSignal.resolved(t, s.customerId, s.conversationId, s.openedAt,
                    s.resolution.fcrCandidate(), s.channel, agent, s.queue));
        }
        endSegment(s, t, out);
        out.summary(summary(s, SummaryTrigger.RESOLVED, t));
    }

    /** A reopen starts a new resolution clock and costs the resolution its FCR. */
    private void reopened(Conversation s, long t, String own, ConversationOutput out) {
        s.resolution.reopened();
        sla.cancel(s, SlaClock.RESOLUTION);
        sla.start(s, SlaClock.RESOLUTION, t);
        emit(out, s, t, own, FactKind.REOPENED, 0);
        if (s.customerSignalled) {
            out.customerSignal(CustomerSignal.reopened(t, s.customerId, s.conversationId, s.openedAt));
        }
    }

    /** The close cancels every clock, ends the segment and every wrap-up, and may find the conversation abandoned. */
    private void closed(Conversation s, long t, String own, ConversationOutput out) {
        if (!s.resolution.close()) {
            return; // a repeated close changes nothing
        }
        s.responses.endPendingWait();
        sla.cancelAll(s);
        endSegment(s, t, out);
        for (WrapUps.OpenWrapUp w : s.wrapUps.endAll()) {
            finishWrapUp(s, w, t, out);
        }
        if (s.resolution.abandonedAtClose(!s.responses.unanswered())) {
            emit(out, s, t, own, FactKind.ABANDONED, t - s.responses.waitStartOr(s.openedAt));
        }
        out.summary(summary(s, SummaryTrigger.CLOSED, t));
    }

    private void deflected(Conversation s, long t, String own, ConversationOutput out) {
        s.resolution.deflected();
        emit(out, s, t, own, FactKind.DEFLECTED, 0);
    }

    /** A survey goes to its event's channel and agent, else the conversation's channel and last holder. */
    private void survey(Conversation s, InteractionEvent e, long t, ConversationOutput out) {
        String channel = e.getChannel() != Channel.UNKNOWN ? e.getChannel().name() : s.channel;
        String agent = e.getAgentId() != null ? e.getAgentId() : s.segment.lastHolder;
        out.fact(surveyFact(e, t, channel, agent, s.queue));
    }

    private static KpiFact surveyFact(InteractionEvent e, long t, String channel, String agent, String queue) {
        Survey sv = e.getSurvey();
        int score = sv.getScore();
        FactKind kind;
        boolean satisfied = false;
        switch (sv.getKind()) {
            case CSAT -> {
                kind = FactKind.CSAT;
                satisfied = Surveys.satisfied(score, Surveys.scaleMax(sv));
            }
            case NPS -> kind = FactKind.NPS;
            case CES -> kind = FactKind.CES;
            default -> kind = FactKind.AGENT_SATISFACTION;
        }
        return KpiFact.survey(t, channel, agent, queue, kind, score, satisfied);
    }

    private static void emit(ConversationOutput out, Conversation s, long t, String agent, FactKind kind, long a) {
        out.fact(KpiFact.of(t, s.channel, agent, s.queue, kind, a));
    }

    /** The next instant at which {@link #advanceTo} has something to do (SLA instant, wrap-up limit or expiry). */
    public long nextDeadline(Conversation s) {
        return Math.min(Math.min(expiresAt(s), sla.nextDeadline(s)), s.wrapUps.nextLimit(maxWrapUpMs));
    }

    /**
     * When the conversation may be forgotten: {@code conversationRetention} after its last event,
     * open or not (SPEC section 2, Memory). Until then a reopen, a survey or a late message days
     * later continues it; after it, its id opens a new conversation.
     */
    public long expiresAt(Conversation s) {
        return s.lastEventAt + retentionMs;
    }

    /**
     * Handles every deadline due at or before {@code t}. Returns true when the conversation has
     * expired and its state must be cleared.
     */
    public boolean advanceTo(Conversation s, long t, ConversationOutput out) {
        sla.advanceTo(s, t, out);
        for (WrapUps.OpenWrapUp w : s.wrapUps.runOutBy(t, maxWrapUpMs)) {
            finishWrapUp(s, w, w.limit(maxWrapUpMs), out);
        }
        return expiresAt(s) <= t;
    }

    private static ConversationSummary summary(Conversation s, SummaryTrigger trigger, long t) {
        ResponseClocks r = s.responses;
        Resolution res = s.resolution;
        HandleTotals h = s.handling;
        return ConversationSummary.newBuilder()
                .setConversationId(s.conversationId)
                .setSequence(s.nextSummary())
                .setTrigger(trigger)
                .setEmittedFor(Instant.ofEpochMilli(t))
                .setCustomerId(s.customerId)
                .setChannel(Channel.valueOf(s.channel))
                .setQueue(s.queue)
                .setLastAgent(s.segment.lastHolder)
                .setOpenedAt(Instant.ofEpochMilli(s.openedAt))
                .setFirstResponseMs(r.firstResponseMs == NONE ? null : r.firstResponseMs)
                .setBotFirstResponseMs(r.botFirstResponseMs == NONE ? null : r.botFirstResponseMs)
                .setCustomerMessages(r.customerMessages)
                .setAgentMessages(r.agentMessages)
                .setBotMessages(r.botMessages)
                .setHandledSegments(h.handledSegments)
                .setTalkMs(h.talkMs)
                .setHoldMs(h.holdMs)
                .setWrapUpMs(h.wrapUpMs)
                .setTransfers(res.transfers)
                .setEscalations(res.escalations)
                .setReopens(res.reopens)
                .setResolutions(res.resolutions)
                .setResolutionMs(res.lastResolutionMs == NONE ? null : res.lastResolutionMs)
                .setAbandoned(res.abandoned)
                .setBotContained(res.botContained)
                .setDeflected(res.deflected)
                .build();
    }
}
