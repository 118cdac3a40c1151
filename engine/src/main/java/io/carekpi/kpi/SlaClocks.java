package io.carekpi.kpi;

import io.carekpi.config.BusinessCalendar;
import io.carekpi.config.SlaConfig;
import io.carekpi.config.SlaPolicy;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.kpi.conversation.RunningSlaClock;
import io.carekpi.schema.Channel;
import io.carekpi.schema.SlaClock;
import io.carekpi.schema.SlaEvent;
import io.carekpi.schema.SlaStatus;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * The SLA rules of SPEC section 3 for one conversation's clocks: start, stop (met or cleared),
 * cancel, and the WARNING and BREACHED instants, in business time when the policy has a calendar.
 * {@link ConversationTracker} decides when clocks start and stop; this class applies the policies
 * to the conversation's clocks ({@code Conversation.sla}) and reports SLA events and the
 * {@code sla_*} facts.
 */
public final class SlaClocks implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SlaConfig config;

    public SlaClocks(SlaConfig config) {
        this.config = config;
    }

    /** Starts a clock of this kind at {@code t} if the conversation's policy has a threshold for it. */
    void start(Conversation s, SlaClock kind, long t) {
        if (config.isEmpty() || s.sla.isRunning(kind)) {
            return;
        }
        SlaPolicy policy = config.policyFor(s.channel, s.queue);
        Duration threshold = switch (kind) {
            case FIRST_RESPONSE -> policy.firstResponse();
            case NEXT_RESPONSE -> policy.nextResponse();
            default -> policy.resolution();
        };
        if (threshold == null) {
            return;
        }
        BusinessCalendar cal = config.calendar(policy.calendar());
        RunningSlaClock c = new RunningSlaClock();
        c.clock = kind;
        c.startedAt = t;
        c.thresholdMs = threshold.toMillis();
        c.calendar = policy.calendar();
        c.deadline = after(cal, t, c.thresholdMs);
        double warn = policy.warnFraction();
        if (warn < 1) {
            c.warnAt = after(cal, t, Math.round(c.thresholdMs * warn));
        }
        s.sla.start(c);
    }

    private static long after(BusinessCalendar cal, long start, long ms) {
        return cal == null ? start + ms : cal.addBusinessTime(start, ms);
    }

    /**
     * The awaited reply or resolution came at {@code t}: met when at or before the deadline,
     * else CLEARED with its overrun (the breach was counted at the deadline).
     */
    void stop(Conversation s, SlaClock kind, long t, ConversationOutput out) {
        RunningSlaClock c = s.sla.stop(kind);
        if (c == null) {
            return;
        }
        if (c.breached) {
            BusinessCalendar cal = config.calendar(c.calendar);
            long overrun = cal == null ? t - c.deadline : cal.businessTimeBetween(c.deadline, t);
            out.slaEvent(event(s, c, SlaStatus.CLEARED, t, overrun));
        } else {
            out.fact(KpiFact.of(t, s.channel, s.segment.agent, s.queue, metKind(kind)));
        }
    }

    /** Stops a clock with no verdict (neither met nor breached). */
    void cancel(Conversation s, SlaClock kind) {
        s.sla.stop(kind);
    }

    void cancelAll(Conversation s) {
        s.sla.stopAll();
    }

    /** Raises the warnings and breaches due at or before {@code t}. */
    void advanceTo(Conversation s, long t, ConversationOutput out) {
        for (RunningSlaClock c : s.sla.running) {
            if (c.warningDueBy(t)) {
                c.warn();
                out.slaEvent(event(s, c, SlaStatus.WARNING, c.warnAt, 0));
                out.fact(KpiFact.of(c.warnAt, s.channel, s.segment.agent, s.queue, FactKind.SLA_WARNING));
            }
            if (c.breachDueBy(t)) {
                c.breach();
                out.slaEvent(event(s, c, SlaStatus.BREACHED, c.deadline, 0));
                out.fact(KpiFact.of(c.deadline, s.channel, s.segment.agent, s.queue, breachedKind(c.clock)));
            }
        }
    }

    long nextDeadline(Conversation s) {
        return s.sla.nextInstant();
    }

    private static FactKind metKind(SlaClock kind) {
        return switch (kind) {
            case FIRST_RESPONSE -> FactKind.SLA_FIRST_RESPONSE_MET;
            case NEXT_RESPONSE -> FactKind.SLA_NEXT_RESPONSE_MET;
            default -> FactKind.SLA_RESOLUTION_MET;
        };
    }

    private static FactKind breachedKind(SlaClock kind) {
        return switch (kind) {
            case FIRST_RESPONSE -> FactKind.SLA_FIRST_RESPONSE_BREACHED;
            case NEXT_RESPONSE -> FactKind.SLA_NEXT_RESPONSE_BREACHED;
            default -> FactKind.SLA_RESOLUTION_BREACHED;
        };
    }

    /** The deterministic id: conversation, clock, sequence, status. */
    public static String eventId(String conversationId, SlaClock clock, int sequence, SlaStatus status) {
        return conversationId + ":" + clock + ":" + sequence + ":" + status;
    }

    private static SlaEvent event(Conversation s, RunningSlaClock c, SlaStatus status, long at, long overrun) {
        return SlaEvent.newBuilder()
                .setSlaEventId(eventId(s.conversationId, c.clock, c.sequence, status))
                .setConversationId(s.conversationId)
                .setChannel(Channel.valueOf(s.channel))
                .setQueue(s.queue)
                .setAgentId(s.segment.agent)
                .setClock(c.clock)
                .setStatus(status)
                .setThresholdMs(c.thresholdMs)
                .setStartedAt(Instant.ofEpochMilli(c.startedAt))
                .setDeadline(Instant.ofEpochMilli(c.deadline))
                .setEmittedFor(Instant.ofEpochMilli(at))
                .setOverrunMs(overrun)
                .build();
    }
}
