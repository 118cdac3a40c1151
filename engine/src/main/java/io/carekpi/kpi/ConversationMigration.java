package io.carekpi.kpi;

import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.kpi.conversation.RunningSlaClock;
import io.carekpi.kpi.conversation.WrapUps;

/**
 * Converts the v1 layout of a conversation's state ({@link ConversationState}, one class of many
 * fields) into the current one ({@link Conversation} and its parts), field by field: values are
 * carried as they are ({@link ConversationState#NONE} and {@link Conversation#NONE} are the same
 * "not yet"), so the conversation goes on exactly as it would have in the v1 build. Used once per
 * key when a v1 savepoint is restored ({@code flink.ConversationFunction#migrate}).
 */
@SuppressWarnings("deprecation")
public final class ConversationMigration {
    private ConversationMigration() {}

    public static Conversation fromV1(ConversationState v1) {
        Conversation c = new Conversation();
        c.conversationId = v1.conversationId;
        c.customerId = v1.customerId;
        c.channel = v1.channel;
        c.queue = v1.queue;
        c.openedAt = v1.openedAt;
        c.outbound = v1.outbound;
        c.customerSignalled = v1.customerSignalled;
        c.lastEventAt = v1.lastEventAt;
        c.summaries = v1.summaries;

        c.responses.customerWaitStart = v1.customerWaitStart;
        c.responses.firstResponseMs = v1.firstResponseMs;
        c.responses.botFirstResponseMs = v1.botFirstResponseMs;
        c.responses.nrtPendingSince = v1.nrtPendingSince;
        c.responses.customerMessages = v1.customerMessages;
        c.responses.agentMessages = v1.agentMessages;
        c.responses.botMessages = v1.botMessages;

        c.resolution.transfers = v1.transfers;
        c.resolution.escalations = v1.escalations;
        c.resolution.reopens = v1.reopens;
        c.resolution.resolutions = v1.resolutions;
        c.resolution.lastResolutionMs = v1.lastResolutionMs;
        c.resolution.resolvedNow = v1.resolvedNow;
        c.resolution.closed = v1.closed;
        c.resolution.abandoned = v1.abandoned;
        c.resolution.botContained = v1.botContained;
        c.resolution.deflected = v1.deflected;
        c.resolution.fcrDisqualified = v1.fcrDisqualified;

        c.segment.agent = v1.segmentAgent;
        c.segment.startedAt = v1.segmentStart;
        c.segment.holdStart = v1.holdStart;
        c.segment.holdMs = v1.segmentHoldMs;
        c.segment.holds = v1.segmentHolds;
        c.segment.lastHolder = v1.lastHolder;

        if (v1.wrapUps != null) {
            for (ConversationState.OpenWrapUp w : v1.wrapUps) {
                c.wrapUps.open.add(new WrapUps.OpenWrapUp(w.agent, w.startedAt));
            }
        }

        c.handling.handledSegments = v1.handledSegments;
        c.handling.talkMs = v1.talkMs;
        c.handling.holdMs = v1.holdMs;
        c.handling.wrapUpMs = v1.wrapUpMs;

        if (v1.clocks != null) {
            for (SlaClockState old : v1.clocks) {
                c.sla.running.add(fromV1(old));
            }
        }
        c.sla.firstResponseClocks = v1.firstResponseClocks;
        c.sla.nextResponseClocks = v1.nextResponseClocks;
        c.sla.resolutionClocks = v1.resolutionClocks;

        c.gauge.since = v1.gaugeSince;
        c.gauge.channel = v1.gaugeChannel;
        c.gauge.queue = v1.gaugeQueue;
        return c;
    }

    static RunningSlaClock fromV1(SlaClockState v1) {
        RunningSlaClock c = new RunningSlaClock();
        c.clock = v1.clock;
        c.sequence = v1.sequence;
        c.startedAt = v1.startedAt;
        c.thresholdMs = v1.thresholdMs;
        c.warnAt = v1.warnAt;
        c.deadline = v1.deadline;
        c.warned = v1.warned;
        c.breached = v1.breached;
        c.calendar = v1.calendar;
        return c;
    }
}
