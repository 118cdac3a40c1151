package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.LedgerField.*;

import io.carekpi.schema.Article;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SurveyKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the events of one planned conversation and, next to each decision, the facts that
 * decision makes certain. Facts that are one per event (opened, messages, transfers, escalations,
 * reopens, deflections, surveys) are booked here with the event; facts that are durations the plan
 * chose (first and next response times, handle segments with their holds, wrap-ups, resolution
 * and abandon times) are booked from the instants the plan chose.
 *
 * <p>The builder refuses plans outside the unambiguous part of the rules: two events of one
 * conversation at the same millisecond, a hold outside a segment, an agent message while another
 * agent's segment is open, a conversation closed while an explicitly ended wrap-up is still running.
 */
final class ConversationBuilder {
    private final String id;
    private final Channel channel;
    private final String customerId;
    private final boolean outbound;
    private final ExpectedLedger.Builder ledger;
    /** The customer's contact record (null: outbound, or no customerId: no customer rules). */
    private final CustomerHistory.Contact contact;
    /** Instants used by any conversation of the same customer (null without a customer). */
    private final Set<Long> customerInstants;
    private final long maxWrapUpMs;
    private final long fcrWindowMs;
    private final List<InteractionEvent> sink;
    /** This conversation's events, to check at the end that the engine keeps its state throughout. */
    private final List<InteractionEvent> own = new ArrayList<>();
    private final Set<Long> usedTimes = new HashSet<>();

    private String queue;
    private int seq;
    private int events;
    private long openedAt = Long.MIN_VALUE;
    private long latest = Long.MIN_VALUE;
    /** A transfer, escalation or reopen happened: later resolutions are not FCR-eligible. */
    private boolean disqualified;
    private boolean closed;
    /** Agent messages so far, the latest customer message, the latest event that ends a pending wait. */
    private int agentMessages;
    private long lastCustomerMessage = Long.MIN_VALUE;
    private long lastWaitEnd = Long.MIN_VALUE;
    /** The longest quiet time the plan may leave (0: only the limits of {@link #checkStateIsKept}). */
    private long quietLimitMs;

    /** The open segment's agent (null: none), its start, its holds so far, an open hold's start. */
    private String segmentAgent;
    private long segmentStart;
    private long segmentHoldMs;
    private int segmentHolds;
    private long holdStart = Long.MIN_VALUE;

    /** The agent of the latest segment (whom a wrap-up without agentId belongs to). */
    private String lastHolder;

    /** Explicitly ended wrap-ups: their end instants (the close must come after them). */
    private final List<Long> wrapUpEnds = new ArrayList<>();
    /** Wrap-ups that were never ended and not yet settled by a close: their starts. */
    private final List<long[]> forgottenWrapUps = new ArrayList<>();
    /** Every wrap-up: agent and [start, end or start + maxWrapUp], to refuse overlaps of one agent. */
    private final List<Object[]> wrapUpSpans = new ArrayList<>();
    /** Spans of wrap-ups without agentId: no segment may start inside one (it would change their agent). */
    private final List<long[]> anonymousWrapUps = new ArrayList<>();

    ConversationBuilder(String id, Channel channel, String customerId, String queue, boolean outbound,
                        ExpectedLedger.Builder ledger, CustomerHistory.Contact contact, Set<Long> customerInstants,
                        long maxWrapUpMs, long fcrWindowMs, List<InteractionEvent> sink) {
        this.id = id;
        this.channel = channel;
        this.customerId = customerId;
        this.queue = queue;
        this.outbound = outbound;
        this.ledger = ledger;
        this.contact = contact;
        this.customerInstants = customerInstants;
        this.maxWrapUpMs = maxWrapUpMs;
        this.fcrWindowMs = fcrWindowMs;
        this.sink = sink;
    }

    String id() {
        return id;
    }

    Channel channel() {
        return channel;
    }

    long openedAt() {
        return openedAt;
    }

    /** The latest instant of any event written so far. */
    long latest() {
        return latest;
    }

    int events() {
        return events;
    }

    String segmentAgent() {
        return segmentAgent;
    }

    boolean isClosed() {
        return closed;
    }

    /** An agent has written in this conversation (so its first response, if inbound, is given). */
    boolean hadAgentMessage() {
        return agentMessages > 0;
    }

    /**
     * A customer message is still waiting for a reply (no agent message, resolution or close after
     * it): a later customer message would start no new wait.
     */
    boolean replyPending() {
        return lastCustomerMessage > lastWaitEnd;
    }

    /** The conversation's events so far, in plan order. */
    List<InteractionEvent> ownEvents() {
        return java.util.Collections.unmodifiableList(own);
    }

    /** Lets the plan leave quiet times up to {@code ms} (the engine remembers the conversation that long). */
    void allowQuietUpTo(long ms) {
        quietLimitMs = ms;
    }

    /** Latest end of an explicitly ended wrap-up (or MIN_VALUE). */
    long latestWrapUpEnd() {
        long m = Long.MIN_VALUE;
        for (long e : wrapUpEnds) {
            m = Math.max(m, e);
        }
        return m;
    }

    /** Latest instant at which a wrap-up never ended reaches maxWrapUp (or MIN_VALUE). */
    long latestForgottenWrapUpLimit() {
        long m = Long.MIN_VALUE;
        for (long[] w : forgottenWrapUps) {
            m = Math.max(m, w[0] + maxWrapUpMs);
        }
        return m;
    }

    private void book(LedgerField f, long at, long value) {
        ledger.add(f, at, channel, value);
    }

    private InteractionEvent emit(long t, EventType type, String agent, Survey survey, Channel eventChannel) {
        if (!usedTimes.add(t) || (customerInstants != null && !customerInstants.add(t))) {
            throw new IllegalStateException(id + ": two events of a conversation or customer at "
                    + Instant.ofEpochMilli(t) + " would leave their order to tie rules");
        }
        if (openedAt == Long.MIN_VALUE) {
            openedAt = t;
            // opened: one per conversation, at its first event, on the conversation's channel.
            book(OPENED, t, 1);
            if (contact != null) {
                contact.openedAt = t;
            }
        } else if (t < openedAt) {
            throw new IllegalStateException(id + ": event before the conversation's first event");
        }
        latest = Math.max(latest, t);
        events++;
        InteractionEvent e = InteractionEvent.newBuilder()
                .setEventId(id + "-" + (++seq))
                .setOccurredAt(Instant.ofEpochMilli(t))
                .setConversationId(id)
                .setCustomerId(customerId)
                .setChannel(eventChannel)
                .setType(type)
                .setAgentId(agent)
                .setQueue(queue)
                .setSurvey(survey)
                .setArticle(null)
                .build();
        sink.add(e);
        own.add(e);
        return e;
    }

    private InteractionEvent emit(long t, EventType type, String agent) {
        return emit(t, type, agent, null, channel);
    }

    /** The first instant at or after {@code t} at which neither this conversation nor its customer has an event. */
    long free(long t) {
        while (usedTimes.contains(t) || (customerInstants != null && customerInstants.contains(t))) {
            t++;
        }
        return t;
    }

    // ---- conversation events ------------------------------------------------------------------

    void opened(long t) {
        emit(t, EventType.CONVERSATION_OPENED, null);
    }

    void customerMessage(long t) {
        emit(t, EventType.CUSTOMER_MESSAGE, null);
        book(CUSTOMER_MESSAGES, t, 1);
        lastCustomerMessage = Math.max(lastCustomerMessage, t);
    }

    void botMessage(long t) {
        emit(t, EventType.BOT_MESSAGE, null);
        book(BOT_MESSAGES, t, 1);
    }

    /**
     * An agent's message. With {@code startsSegment}, the plan says no segment is open and this
     * agent's message starts one (the agent was never assigned, or picks the conversation up again).
     */
    void agentMessage(long t, String agent, boolean withAgentId) {
        String actor = withAgentId ? agent : segmentAgent;
        if (segmentAgent != null && !segmentAgent.equals(agent)) {
            throw new IllegalStateException(id + ": " + agent + " writes while " + segmentAgent + "'s segment is open");
        }
        if (segmentAgent == null && !withAgentId) {
            throw new IllegalStateException(id + ": an agent message without agentId and without a segment");
        }
        emit(t, EventType.AGENT_MESSAGE, withAgentId ? agent : null);
        book(AGENT_MESSAGES, t, 1);
        agentMessages++;
        lastWaitEnd = Math.max(lastWaitEnd, t);
        if (segmentAgent == null) {
            startSegment(actor, t);
        }
    }

    /** The plan's first response: the agent replied {@code frtMs} after the customer's wait began. */
    void firstResponse(long at, long frtMs) {
        book(FIRST_RESPONSES, at, 1);
        book(FRT_SUM_MS, at, frtMs);
        book(FRT_MAX_MS, at, frtMs);
    }

    void botFirstResponse(long at, long ms) {
        book(BOT_FIRST_RESPONSES, at, 1);
        book(BOT_FRT_SUM_MS, at, ms);
    }

    void nextResponse(long at, long ms) {
        book(NEXT_RESPONSES, at, 1);
        book(NRT_SUM_MS, at, ms);
    }

    /** AGENT_ASSIGNED to {@code agent}: ends another agent's open segment, starts this one's. */
    void assigned(long t, String agent, String newQueue) {
        if (newQueue != null) {
            queue = newQueue;
        }
        emit(t, EventType.AGENT_ASSIGNED, agent);
        if (agent.equals(segmentAgent)) {
            return; // re-assignment to the same agent: the segment goes on
        }
        endSegment(t);
        startSegment(agent, t);
    }

    void transferred(long t, String targetAgent, String newQueue) {
        if (newQueue != null) {
            queue = newQueue;
        }
        emit(t, EventType.TRANSFERRED, targetAgent);
        book(TRANSFERS, t, 1);
        disqualified = true;
        endSegment(t);
    }

    void escalated(long t, String agentOnEvent) {
        emit(t, EventType.ESCALATED, agentOnEvent);
        book(ESCALATIONS, t, 1);
        disqualified = true;
        endSegment(t);
    }

    void holdStarted(long t) {
        if (segmentAgent == null || holdStart != Long.MIN_VALUE || t <= segmentStart) {
            throw new IllegalStateException(id + ": hold outside a segment or during a hold");
        }
        emit(t, EventType.HOLD_STARTED, segmentAgent);
        holdStart = t;
    }

    void holdEnded(long t) {
        if (segmentAgent == null || holdStart == Long.MIN_VALUE || t <= holdStart) {
            throw new IllegalStateException(id + ": hold end without a hold");
        }
        emit(t, EventType.HOLD_ENDED, segmentAgent);
        segmentHoldMs += t - holdStart;
        segmentHolds++;
        holdStart = Long.MIN_VALUE;
    }

    /**
     * RESOLVED at {@code t}: one resolution, its time from the opening; ends the open segment.
     *
     * @param botContained the plan resolved it with bot messages and no agent message
     */
    void resolved(long t, String agentOnEvent, boolean botContained) {
        emit(t, EventType.RESOLVED, agentOnEvent);
        book(RESOLVED, t, 1);
        lastWaitEnd = Math.max(lastWaitEnd, t);
        book(RESOLUTION_SUM_MS, t, t - openedAt);
        if (botContained) {
            book(BOT_CONTAINED, t, 1);
        }
        if (contact != null) {
            contact.resolutions.add(new long[] {t, disqualified ? 0 : 1});
        }
        endSegment(t);
    }

    void reopened(long t) {
        emit(t, EventType.REOPENED, null);
        book(REOPENED, t, 1);
        disqualified = true;
        closed = false;
        if (contact != null) {
            contact.reopens.add(t);
        }
    }

    void deflected(long t) {
        emit(t, EventType.DEFLECTED, null);
        book(DEFLECTED, t, 1);
    }

    /**
     * CONVERSATION_CLOSED: ends the open segment and the wrap-ups never ended (each counts up to
     * the close, or maxWrapUp if that came first).
     */
    void closed(long t) {
        for (long end : wrapUpEnds) {
            if (end >= t) {
                throw new IllegalStateException(id + ": closed before a wrap-up it plans to end");
            }
        }
        emit(t, EventType.CONVERSATION_CLOSED, null);
        closed = true;
        lastWaitEnd = Math.max(lastWaitEnd, t);
        endSegment(t);
        settleForgottenWrapUps(t);
    }

    /** The plan's abandon: closed {@code waitMs} after the customer's wait began. */
    void abandoned(long at, long waitMs) {
        book(ABANDONED, at, 1);
        book(ABANDON_WAIT_SUM_MS, at, waitMs);
    }

    /** A wrap-up of {@code agent} from {@code start} to {@code end} (shorter than maxWrapUp). */
    void wrapUp(String agent, long start, long end, boolean withAgentId) {
        if (end - start >= maxWrapUpMs || end <= start) {
            throw new IllegalStateException(id + ": a wrap-up must end within maxWrapUp");
        }
        checkWrapUp(agent, start, end, withAgentId);
        emit(start, EventType.WRAP_UP_STARTED, withAgentId ? agent : null);
        emit(end, EventType.WRAP_UP_ENDED, withAgentId ? agent : null);
        wrapUpEnds.add(end);
        book(WRAP_UP_SUM_MS, end, end - start);
        book(HANDLE_SUM_MS, end, end - start);
    }

    /**
     * A wrap-up never ended: it counts until the close if the conversation is closed within
     * maxWrapUp, else maxWrapUp at {@code start + maxWrapUp}.
     */
    void forgottenWrapUp(String agent, long start, boolean withAgentId) {
        checkWrapUp(agent, start, start + maxWrapUpMs, withAgentId);
        emit(start, EventType.WRAP_UP_STARTED, withAgentId ? agent : null);
        forgottenWrapUps.add(new long[] {start});
    }

    private void checkWrapUp(String agent, long start, long end, boolean withAgentId) {
        if (!withAgentId && (segmentAgent != null || !agent.equals(lastHolder))) {
            throw new IllegalStateException(id + ": a wrap-up without agentId must follow its agent's segment");
        }
        for (Object[] span : wrapUpSpans) {
            if (span[0].equals(agent) && start <= (long) span[2] && (long) span[1] <= end) {
                throw new IllegalStateException(id + ": " + agent + " is still wrapping up at " + start);
            }
        }
        wrapUpSpans.add(new Object[] {agent, start, end});
        if (!withAgentId) {
            anonymousWrapUps.add(new long[] {start, end});
        }
    }

    private void settleForgottenWrapUps(long closeAt) {
        for (long[] w : forgottenWrapUps) {
            long limit = w[0] + maxWrapUpMs;
            if (limit == closeAt) {
                throw new IllegalStateException(id + ": close exactly at a wrap-up's limit");
            }
            long end = Math.min(limit, closeAt);
            book(WRAP_UP_SUM_MS, end, end - w[0]);
            book(HANDLE_SUM_MS, end, end - w[0]);
        }
        forgottenWrapUps.clear();
    }

    /** End of the plan: wrap-ups never ended and never closed count maxWrapUp. */
    void finish() {
        for (long[] w : forgottenWrapUps) {
            long limit = w[0] + maxWrapUpMs;
            book(WRAP_UP_SUM_MS, limit, maxWrapUpMs);
            book(HANDLE_SUM_MS, limit, maxWrapUpMs);
        }
        forgottenWrapUps.clear();
        if (segmentAgent != null) {
            throw new IllegalStateException(id + ": plan ends with " + segmentAgent + "'s segment open");
        }
        checkStateIsKept();
    }

    /**
     * The engine forgets a resolved or closed conversation {@code fcrWindow} after its last event
     * (and an open one after its idle timeout): a later event would open a new conversation with
     * the same id. Plans never rely on that, so each quiet time must stay below those limits.
     */
    private void checkStateIsKept() {
        List<InteractionEvent> byTime = new ArrayList<>(own);
        byTime.sort(java.util.Comparator.comparing(InteractionEvent::getOccurredAt));
        boolean resolved = false;
        boolean isClosed = false;
        long openLimit = Math.max(fcrWindowMs, SimulationConfig.OPEN_GAP_LIMIT.toMillis());
        for (int i = 0; i < byTime.size(); i++) {
            InteractionEvent e = byTime.get(i);
            switch (e.getType()) {
                case RESOLVED -> resolved = true;
                case CONVERSATION_CLOSED -> isClosed = true;
                case REOPENED -> {
                    resolved = false;
                    isClosed = false;
                }
                default -> { }
            }
            if (i + 1 < byTime.size()) {
                long gap = byTime.get(i + 1).getOccurredAt().toEpochMilli() - e.getOccurredAt().toEpochMilli();
                if (gap >= Math.max(resolved || isClosed ? fcrWindowMs : openLimit, quietLimitMs)) {
                    throw new IllegalStateException(id + ": " + gap + " ms without events after " + e.getType()
                            + ": the engine would have forgotten the conversation");
                }
            }
        }
    }

    /**
     * A survey answered at {@code t}, sent with channel {@code eventChannel}: it counts on that
     * channel, or on the conversation's when it is {@code UNKNOWN}.
     */
    void survey(long t, SurveyKind kind, int score, Integer scaleMax, String agent, Channel eventChannel) {
        emit(t, EventType.SURVEY_RESPONSE, agent, new Survey(kind, score, scaleMax), eventChannel);
        bookSurvey(ledger, eventChannel == Channel.UNKNOWN ? channel : eventChannel, t, kind, score, scaleMax);
    }

    /**
     * A survey of a conversation the engine does not remember (or never saw): it opens nothing and
     * counts on its own channel, {@code UNKNOWN} when it has none.
     */
    static InteractionEvent surveyOfUnseenConversation(String conversationId, long t, Channel eventChannel,
                                                        String agent, String queue, SurveyKind kind, int score,
                                                        Integer scaleMax, ExpectedLedger.Builder ledger) {
        bookSurvey(ledger, eventChannel, t, kind, score, scaleMax);
        return InteractionEvent.newBuilder()
                .setEventId(conversationId + "-1")
                .setOccurredAt(Instant.ofEpochMilli(t))
                .setConversationId(conversationId)
                .setCustomerId(null)
                .setChannel(eventChannel)
                .setType(EventType.SURVEY_RESPONSE)
                .setAgentId(agent)
                .setQueue(queue)
                .setSurvey(new Survey(kind, score, scaleMax))
                .setArticle(null)
                .build();
    }

    private static void bookSurvey(ExpectedLedger.Builder ledger, Channel surveyChannel, long t, SurveyKind kind,
                                   int score, Integer scaleMax) {
        switch (kind) {
            case CSAT -> {
                int max = scaleMax == null ? 5 : scaleMax;
                ledger.add(CSAT_RESPONSES, t, surveyChannel, 1);
                ledger.add(CSAT_SCORE_SUM, t, surveyChannel, score);
                // satisfied: score >= ceil(0.8 * max), in integers: 5 * score >= 4 * max
                ledger.add(CSAT_SATISFIED, t, surveyChannel, 5L * score >= 4L * max ? 1 : 0);
            }
            case NPS -> {
                ledger.add(NPS_RESPONSES, t, surveyChannel, 1);
                ledger.add(NPS_PROMOTERS, t, surveyChannel, score >= 9 ? 1 : 0);
                ledger.add(NPS_DETRACTORS, t, surveyChannel, score <= 6 ? 1 : 0);
            }
            case CES -> {
                ledger.add(CES_RESPONSES, t, surveyChannel, 1);
                ledger.add(CES_SCORE_SUM, t, surveyChannel, score);
            }
            case AGENT_SATISFACTION -> {
                ledger.add(AGENT_SAT_RESPONSES, t, surveyChannel, 1);
                ledger.add(AGENT_SAT_SCORE_SUM, t, surveyChannel, score);
            }
            default -> throw new IllegalArgumentException("survey kind " + kind);
        }
    }

    // ---- segments -----------------------------------------------------------------------------

    private void startSegment(String agent, long t) {
        Objects.requireNonNull(agent);
        for (long[] w : anonymousWrapUps) {
            if (w[0] <= t && t <= w[1]) {
                throw new IllegalStateException(id + ": a segment starts during a wrap-up without agentId");
            }
        }
        segmentAgent = agent;
        lastHolder = agent;
        segmentStart = t;
        segmentHoldMs = 0;
        segmentHolds = 0;
        holdStart = Long.MIN_VALUE;
    }

    /** The plan's segment ends at {@code t}: one handled contact; talk = length - hold. */
    private void endSegment(long t) {
        if (segmentAgent == null) {
            return;
        }
        long hold = segmentHoldMs;
        int holds = segmentHolds;
        if (holdStart != Long.MIN_VALUE) {
            hold += t - holdStart; // an open hold ends with the segment
            holds++;
        }
        long talk = (t - segmentStart) - hold;
        book(HANDLED, t, 1);
        book(TALK_SUM_MS, t, talk);
        book(HOLD_SUM_MS, t, hold);
        book(HOLDS, t, holds);
        book(HANDLE_SUM_MS, t, talk + hold);
        segmentAgent = null;
        holdStart = Long.MIN_VALUE;
    }

    // ---- self-service -------------------------------------------------------------------------

    /** An article read of a help-centre session (no conversation: opens nothing). */
    static InteractionEvent articleViewed(String sessionId, int seq, long t, Channel channel, String customerId,
                                          String articleId, long dwellMs, ExpectedLedger.Builder ledger) {
        ledger.add(ARTICLES_VIEWED, t, channel, 1);
        ledger.add(ARTICLE_DWELL_SUM_MS, t, channel, dwellMs);
        return InteractionEvent.newBuilder()
                .setEventId(sessionId + "-" + seq)
                .setOccurredAt(Instant.ofEpochMilli(t))
                .setConversationId(sessionId)
                .setCustomerId(customerId)
                .setChannel(channel)
                .setType(EventType.ARTICLE_VIEWED)
                .setAgentId(null)
                .setQueue(null)
                .setSurvey(null)
                .setArticle(new Article(articleId, dwellMs))
                .build();
    }
}
