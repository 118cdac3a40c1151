package io.carekpi.kpi;

import static io.carekpi.kpi.ConversationState.NONE;

import io.carekpi.config.EngineConfig;
import io.carekpi.schema.Channel;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SlaClock;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SummaryTrigger;
import java.io.Serializable;
import java.time.Instant;
import java.util.Iterator;

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

    private final long fcrWindowMs;
    private final long maxWrapUpMs;
    private final long idleTimeoutMs;
    private final SlaClocks sla;

    public ConversationTracker(EngineConfig config) {
        this.fcrWindowMs = config.fcrWindow.toMillis();
        this.maxWrapUpMs = config.maxWrapUp.toMillis();
        this.idleTimeoutMs = config.conversationIdleTimeout.toMillis();
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

    /** Applies one valid event to the conversation. */
    public void onEvent(ConversationState s, InteractionEvent e, ConversationOutput out) {
        long t = time(e);
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
        String own = e.getAgentId();
        switch (e.getType()) {
            case CONVERSATION_OPENED -> startCustomerWait(s, t);
            case CUSTOMER_MESSAGE -> {
                s.customerMessages++;
                emit(out, s, t, own, FactKind.CUSTOMER_MESSAGE, 0);
                if (s.agentMessages == 0) {
                    startCustomerWait(s, t);
                } else if (s.nrtPendingSince == NONE) {
                    s.nrtPendingSince = t;
                    sla.start(s, SlaClock.NEXT_RESPONSE, t);
                }
            }
            case AGENT_MESSAGE -> agentMessage(s, t, own, out);
            case BOT_MESSAGE -> {
                emit(out, s, t, own, FactKind.BOT_MESSAGE, 0);
                if (s.botMessages == 0 && s.agentMessages == 0 && s.customerWaitStart != NONE) {
                    s.botFirstResponseMs = t - s.customerWaitStart;
                    emit(out, s, t, own, FactKind.BOT_FIRST_RESPONSE, s.botFirstResponseMs);
                }
                s.botMessages++;
            }
            case AGENT_ASSIGNED -> {
                if (!own.equals(s.segmentAgent)) {
                    endSegment(s, t, out);
                    startSegment(s, own, t);
                }
            }
            case TRANSFERRED -> {
                s.transfers++;
                s.fcrDisqualified = true;
                emit(out, s, t, s.segmentAgent, FactKind.TRANSFER, 0);
                endSegment(s, t, out);
            }
            case ESCALATED -> {
                s.escalations++;
                s.fcrDisqualified = true;
                emit(out, s, t, s.segmentAgent, FactKind.ESCALATION, 0);
                endSegment(s, t, out);
            }
            case HOLD_STARTED -> {
                if (s.segmentAgent != null && s.holdStart == NONE) {
                    s.holdStart = t;
                }
            }
            case HOLD_ENDED -> {
                if (s.segmentAgent != null && s.holdStart != NONE) {
                    s.segmentHoldMs += t - s.holdStart;
                    s.segmentHolds++;
                    s.holdStart = NONE;
                }
            }
            case WRAP_UP_STARTED -> startWrapUp(s, own != null ? own : s.lastHolder, t);
            case WRAP_UP_ENDED -> endWrapUp(s, own != null ? own : s.lastHolder, t, out);
            case RESOLVED -> resolve(s, t, own, out);
            case REOPENED -> {
                s.reopens++;
                s.fcrDisqualified = true;
                s.resolvedNow = false;
                s.closed = false;
                sla.cancel(s, SlaClock.RESOLUTION);
                sla.start(s, SlaClock.RESOLUTION, t);
                emit(out, s, t, own, FactKind.REOPENED, 0);
                if (s.customerSignalled) {
                    out.customerSignal(CustomerSignal.reopened(t, s.customerId, s.conversationId, s.openedAt));
                }
            }
            case CONVERSATION_CLOSED -> close(s, t, own, out);
            case SURVEY_RESPONSE -> survey(s, e, t, out);
            case DEFLECTED -> {
                s.deflected = true;
                emit(out, s, t, own, FactKind.DEFLECTED, 0);
            }
            case ARTICLE_VIEWED -> out.fact(articleViewed(e));
            default -> {
                // UNKNOWN types are filtered (and counted) before the tracker.
            }
        }
    }

    /** Since when the customer waits for an agent reply now, or NONE. */
    static long waitingSince(ConversationState s) {
        if (s.closed) {
            return NONE;
        }
        if (s.agentMessages == 0) {
            return s.resolvedNow ? NONE : s.customerWaitStart;
        }
        return s.nrtPendingSince;
    }

    /**
     * Tells the live gauges what changed since they were last told: the wait started, ended, or
     * moved to another queue. Called after each instant's events and deadlines.
     */
    public void reportWaiting(ConversationState s, ConversationOutput out, boolean forget) {
        long since = forget ? NONE : waitingSince(s);
        boolean moved = !java.util.Objects.equals(s.gaugeChannel, s.channel)
                || !java.util.Objects.equals(s.gaugeQueue, s.queue);
        if (since == s.gaugeSince && (since == NONE || !moved)) {
            return;
        }
        if (s.gaugeSince != NONE) {
            out.waiting(new WaitUpdate(s.conversationId, s.gaugeChannel, s.gaugeQueue, NONE));
        }
        if (since != NONE) {
            out.waiting(new WaitUpdate(s.conversationId, s.channel, s.queue, since));
        }
        s.gaugeSince = since;
        s.gaugeChannel = s.channel;
        s.gaugeQueue = s.queue;
    }

    private void open(ConversationState s, InteractionEvent e, long t, ConversationOutput out) {
        s.conversationId = e.getConversationId();
        s.openedAt = t;
        s.channel = e.getChannel().name();
        s.queue = e.getQueue();
        s.outbound = e.getType() == io.carekpi.schema.EventType.AGENT_MESSAGE;
        emit(out, s, t, e.getAgentId(), FactKind.OPENED, 0);
    }

    private void startCustomerWait(ConversationState s, long t) {
        if (s.customerWaitStart == NONE && s.agentMessages == 0) {
            s.customerWaitStart = t;
            sla.start(s, SlaClock.FIRST_RESPONSE, t);
        }
    }

    private void agentMessage(ConversationState s, long t, String own, ConversationOutput out) {
        String agent = own != null ? own : s.segmentAgent;
        emit(out, s, t, agent, FactKind.AGENT_MESSAGE, 0);
        if (s.agentMessages == 0) {
            if (s.customerWaitStart != NONE) {
                s.firstResponseMs = t - s.customerWaitStart;
                emit(out, s, t, agent, FactKind.FIRST_RESPONSE, s.firstResponseMs);
            }
        } else if (s.nrtPendingSince != NONE) {
            emit(out, s, t, agent, FactKind.NEXT_RESPONSE, t - s.nrtPendingSince);
            s.nrtPendingSince = NONE;
        }
        s.agentMessages++;
        if (s.segmentAgent == null && own != null) {
            startSegment(s, own, t);
        }
        // The SLA fact of a reply goes to the agent holding the conversation once it replied.
        if (s.agentMessages == 1) {
            sla.stop(s, SlaClock.FIRST_RESPONSE, t, out);
        } else {
            sla.stop(s, SlaClock.NEXT_RESPONSE, t, out);
        }
    }

    private static void startSegment(ConversationState s, String agent, long t) {
        s.segmentAgent = agent;
        s.segmentStart = t;
        s.holdStart = NONE;
        s.segmentHoldMs = 0;
        s.segmentHolds = 0;
        s.lastHolder = agent;
    }

    /** Ends the open segment (if any) at {@code t}: one handled contact with its talk and hold. */
    private void endSegment(ConversationState s, long t, ConversationOutput out) {
        if (s.segmentAgent == null) {
            return;
        }
        long hold = s.segmentHoldMs;
        int holds = s.segmentHolds;
        if (s.holdStart != NONE) {
            hold += t - s.holdStart;
            holds++;
        }
        long talk = (t - s.segmentStart) - hold;
        out.fact(KpiFact.handled(t, s.channel, s.segmentAgent, s.queue, talk, hold, holds));
        s.handledSegments++;
        s.talkMs += talk;
        s.holdMs += hold;
        s.segmentAgent = null;
        s.segmentStart = NONE;
        s.holdStart = NONE;
        s.segmentHoldMs = 0;
        s.segmentHolds = 0;
    }

    private static void startWrapUp(ConversationState s, String agent, long t) {
        for (ConversationState.OpenWrapUp w : s.wrapUps) {
            if (java.util.Objects.equals(w.agent, agent)) {
                return; // already wrapping up: the first start counts
            }
        }
        s.wrapUps.add(new ConversationState.OpenWrapUp(agent, t));
    }

    private void endWrapUp(ConversationState s, String agent, long t, ConversationOutput out) {
        for (Iterator<ConversationState.OpenWrapUp> it = s.wrapUps.iterator(); it.hasNext(); ) {
            ConversationState.OpenWrapUp w = it.next();
            if (java.util.Objects.equals(w.agent, agent)) {
                it.remove();
                finishWrapUp(s, w, t, out);
                return;
            }
        }
    }

    private void finishWrapUp(ConversationState s, ConversationState.OpenWrapUp w, long end, ConversationOutput out) {
        long d = Math.min(end - w.startedAt, maxWrapUpMs);
        out.fact(KpiFact.of(end, s.channel, w.agent, s.queue, FactKind.WRAP_UP, d));
        s.wrapUpMs += d;
    }

    private void resolve(ConversationState s, long t, String own, ConversationOutput out) {
        String agent = own != null ? own : s.segmentAgent;
        s.resolutions++;
        s.lastResolutionMs = t - s.openedAt;
        s.resolvedNow = true;
        s.nrtPendingSince = NONE;
        sla.cancel(s, SlaClock.FIRST_RESPONSE);
        sla.cancel(s, SlaClock.NEXT_RESPONSE);
        sla.stop(s, SlaClock.RESOLUTION, t, out);
        emit(out, s, t, agent, FactKind.RESOLVED, s.lastResolutionMs);
        if (s.agentMessages == 0 && s.botMessages > 0) {
            s.botContained = true;
            emit(out, s, t, own, FactKind.BOT_CONTAINED, 0);
        }
        if (s.customerSignalled) {
            out.customerSignal(CustomerSignal.resolved(t, s.customerId, s.conversationId, s.openedAt,
                    !s.fcrDisqualified, s.channel, agent, s.queue));
        }
        endSegment(s, t, out);
        out.summary(summary(s, SummaryTrigger.RESOLVED, t));
    }

    private void close(ConversationState s, long t, String own, ConversationOutput out) {
        if (s.closed) {
            return; // a repeated close changes nothing
        }
        s.closed = true;
        s.nrtPendingSince = NONE;
        sla.cancelAll(s);
        endSegment(s, t, out);
        for (ConversationState.OpenWrapUp w : s.wrapUps) {
            finishWrapUp(s, w, t, out);
        }
        s.wrapUps.clear();
        if (s.agentMessages == 0 && s.resolutions == 0 && !s.deflected) {
            s.abandoned = true;
            long waitStart = s.customerWaitStart != NONE ? s.customerWaitStart : s.openedAt;
            emit(out, s, t, own, FactKind.ABANDONED, t - waitStart);
        }
        out.summary(summary(s, SummaryTrigger.CLOSED, t));
    }

    private void survey(ConversationState s, InteractionEvent e, long t, ConversationOutput out) {
        Survey sv = e.getSurvey();
        String channel = e.getChannel() != Channel.UNKNOWN ? e.getChannel().name() : s.channel;
        String agent = e.getAgentId() != null ? e.getAgentId() : s.lastHolder;
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
        out.fact(KpiFact.survey(t, channel, agent, s.queue, kind, score, satisfied));
    }

    private static void emit(ConversationOutput out, ConversationState s, long t, String agent, FactKind kind, long a) {
        out.fact(KpiFact.of(t, s.channel, agent, s.queue, kind, a));
    }

    /** The next instant at which {@link #advanceTo} has something to do (wrap-up limit or expiry). */
    public long nextDeadline(ConversationState s) {
        long next = Math.min(expiresAt(s), sla.nextDeadline(s));
        for (ConversationState.OpenWrapUp w : s.wrapUps) {
            next = Math.min(next, w.startedAt + maxWrapUpMs);
        }
        return next;
    }

    /**
     * When the state may be forgotten: {@code fcrWindow} after the last event of a resolved or
     * closed conversation (a reopen can still come until then), {@code conversationIdleTimeout}
     * after the last event of one still open.
     */
    public long expiresAt(ConversationState s) {
        boolean over = s.resolvedNow || s.closed;
        return s.lastEventAt + (over ? fcrWindowMs : Math.max(fcrWindowMs, idleTimeoutMs));
    }

    /**
     * Handles every deadline due at or before {@code t}. Returns true when the conversation has
     * expired and its state must be cleared.
     */
    public boolean advanceTo(ConversationState s, long t, ConversationOutput out) {
        sla.advanceTo(s, t, out);
        for (Iterator<ConversationState.OpenWrapUp> it = s.wrapUps.iterator(); it.hasNext(); ) {
            ConversationState.OpenWrapUp w = it.next();
            long limit = w.startedAt + maxWrapUpMs;
            if (limit <= t) {
                it.remove();
                finishWrapUp(s, w, limit, out);
            }
        }
        return expiresAt(s) <= t;
    }

    private static ConversationSummary summary(ConversationState s, SummaryTrigger trigger, long t) {
        s.summaries++;
        return ConversationSummary.newBuilder()
                .setConversationId(s.conversationId)
                .setSequence(s.summaries)
                .setTrigger(trigger)
                .setEmittedFor(Instant.ofEpochMilli(t))
                .setCustomerId(s.customerId)
                .setChannel(Channel.valueOf(s.channel))
                .setQueue(s.queue)
                .setLastAgent(s.lastHolder)
                .setOpenedAt(Instant.ofEpochMilli(s.openedAt))
                .setFirstResponseMs(s.firstResponseMs == NONE ? null : s.firstResponseMs)
                .setBotFirstResponseMs(s.botFirstResponseMs == NONE ? null : s.botFirstResponseMs)
                .setCustomerMessages(s.customerMessages)
                .setAgentMessages(s.agentMessages)
                .setBotMessages(s.botMessages)
                .setHandledSegments(s.handledSegments)
                .setTalkMs(s.talkMs)
                .setHoldMs(s.holdMs)
                .setWrapUpMs(s.wrapUpMs)
                .setTransfers(s.transfers)
                .setEscalations(s.escalations)
                .setReopens(s.reopens)
                .setResolutions(s.resolutions)
                .setResolutionMs(s.lastResolutionMs == NONE ? null : s.lastResolutionMs)
                .setAbandoned(s.abandoned)
                .setBotContained(s.botContained)
                .setDeflected(s.deflected)
                .build();
    }
}
