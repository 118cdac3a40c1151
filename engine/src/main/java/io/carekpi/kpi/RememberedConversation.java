package io.carekpi.kpi;

import static io.carekpi.kpi.conversation.Conversation.NONE;

import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.kpi.conversation.HandleSegment;
import java.util.List;

/**
 * The compact form of a conversation that is over and has nothing running (SPEC section 2,
 * Memory): a resolved or closed conversation with no SLA clock, no open handle segment, no open
 * wrap-up and no live wait. Nothing but a new event can change it, yet for {@code
 * conversationRetention} a reopen, a survey or a late message continues it, so it keeps every
 * count the next summary reports, the SLA clock sequences (SLA event ids) and the ids of its
 * events (de-duplication) — about 70 bytes plus 8 per event id instead of the working state's
 * several hundred.
 *
 * <p>{@link #decode} gives back a conversation equal to the encoded one in every field that can
 * affect a later output (the live-gauge report's channel and queue are not kept: they are only
 * read while a wait is reported, and a settled conversation reports none). The byte layout
 * starts with a format version, so it can evolve; the conversation id is the state's key and is
 * not repeated. Plain Java, no Flink types: the conversation stage stores the bytes.
 */
public final class RememberedConversation {
    /** Layout version 1. */
    private static final int V1 = 1;

    /**
     * Channel symbols written as one byte in layout v1 (0: the name follows as text). Frozen: the
     * Avro enum may gain or reorder symbols, this list must not change.
     */
    static final List<String> CHANNELS_V1 = List.of("VOICE", "WHATSAPP", "MESSENGER", "INSTAGRAM",
            "TWITTER", "WECHAT", "WEB_CHAT", "SMS", "EMAIL", "APP", "UNKNOWN");

    private static final int OUTBOUND = 1;
    private static final int CUSTOMER_SIGNALLED = 1 << 1;
    private static final int RESOLVED_NOW = 1 << 2;
    private static final int CLOSED = 1 << 3;
    private static final int ABANDONED = 1 << 4;
    private static final int BOT_CONTAINED = 1 << 5;
    private static final int DEFLECTED = 1 << 6;
    private static final int FCR_DISQUALIFIED = 1 << 7;

    public final Conversation conversation;
    public final SeenEvents seen;

    private RememberedConversation(Conversation conversation, SeenEvents seen) {
        this.conversation = conversation;
        this.seen = seen;
    }

    /**
     * True when nothing but a new event can change the conversation: opened, resolved or closed, no
     * SLA clock running, no handle segment or wrap-up open, no wait reported to the gauges.
     */
    public static boolean isSettled(Conversation s) {
        HandleSegment segment = s.segment;
        return s.isOpened() && s.resolution.isOver() && s.sla.running.isEmpty() && s.wrapUps.open.isEmpty()
                && segment.agent == null && segment.startedAt == NONE && segment.holdStart == NONE
                && segment.holdMs == 0 && segment.holds == 0 && !s.gauge.waiting();
    }

    /** The compact form of a settled conversation and the ids it has seen ({@code seen} may be null). */
    public static byte[] encode(Conversation s, SeenEvents seen) {
        if (!isSettled(s)) {
            throw new IllegalArgumentException("conversation " + s.conversationId + " is not settled");
        }
        int ids = seen == null ? 0 : seen.size;
        long[] optional = {s.responses.customerWaitStart, s.responses.firstResponseMs, s.responses.botFirstResponseMs,
            s.responses.nrtPendingSince, s.resolution.lastResolutionMs, ids > 0 ? seen.until : NONE};
        int present = 0;
        for (int i = 0; i < optional.length; i++) {
            present |= optional[i] != NONE ? 1 << i : 0;
        }
        long opened = s.openedAt;
        CompactBytes.Writer w = new CompactBytes.Writer();
        w.varint(V1);
        w.varint(flags(s));
        w.varint(present);
        w.channel(s.channel);
        w.text(s.customerId);
        w.text(s.queue);
        w.text(s.segment.lastHolder);
        w.varlong(opened);
        w.signed(s.lastEventAt - opened);
        w.varint(s.summaries);
        // Instants as offsets from the opening, durations as they are; only those present.
        long[] base = {opened, 0, 0, opened, 0, s.lastEventAt};
        for (int i = 0; i < optional.length; i++) {
            if (optional[i] != NONE) {
                w.signed(optional[i] - base[i]);
            }
        }
        w.varint(s.responses.customerMessages);
        w.varint(s.responses.agentMessages);
        w.varint(s.responses.botMessages);
        w.varint(s.resolution.transfers);
        w.varint(s.resolution.escalations);
        w.varint(s.resolution.reopens);
        w.varint(s.resolution.resolutions);
        w.varint(s.handling.handledSegments);
        w.signed(s.handling.talkMs);
        w.signed(s.handling.holdMs);
        w.signed(s.handling.wrapUpMs);
        w.varint(s.sla.firstResponseClocks);
        w.varint(s.sla.nextResponseClocks);
        w.varint(s.sla.resolutionClocks);
        w.varint(ids);
        for (int i = 0; i < ids; i++) {
            w.fixed64(seen.hashes[i]);
        }
        return w.toByteArray();
    }

    /** The conversation (keyed by {@code conversationId}) and its seen ids (null when none were kept). */
    public static RememberedConversation decode(String conversationId, byte[] bytes) {
        CompactBytes.Reader r = new CompactBytes.Reader(bytes);
        int version = r.varint();
        if (version != V1) {
            throw new IllegalStateException("remembered conversation " + conversationId
                    + ": unknown layout version " + version + " (state written by a newer build?)");
        }
        Conversation s = new Conversation();
        s.conversationId = conversationId;
        int flags = r.varint();
        int present = r.varint();
        s.channel = r.channel();
        s.customerId = r.text();
        s.queue = r.text();
        s.segment.lastHolder = r.text();
        long opened = r.varlong();
        s.openedAt = opened;
        s.lastEventAt = opened + r.signed();
        s.summaries = r.varint();
        long[] base = {opened, 0, 0, opened, 0, s.lastEventAt};
        long[] optional = new long[base.length];
        for (int i = 0; i < optional.length; i++) {
            optional[i] = (present & (1 << i)) != 0 ? base[i] + r.signed() : NONE;
        }
        s.responses.customerWaitStart = optional[0];
        s.responses.firstResponseMs = optional[1];
        s.responses.botFirstResponseMs = optional[2];
        s.responses.nrtPendingSince = optional[3];
        s.resolution.lastResolutionMs = optional[4];
        s.responses.customerMessages = r.varint();
        s.responses.agentMessages = r.varint();
        s.responses.botMessages = r.varint();
        s.resolution.transfers = r.varint();
        s.resolution.escalations = r.varint();
        s.resolution.reopens = r.varint();
        s.resolution.resolutions = r.varint();
        s.handling.handledSegments = r.varint();
        s.handling.talkMs = r.signed();
        s.handling.holdMs = r.signed();
        s.handling.wrapUpMs = r.signed();
        s.sla.firstResponseClocks = r.varint();
        s.sla.nextResponseClocks = r.varint();
        s.sla.resolutionClocks = r.varint();
        s.outbound = (flags & OUTBOUND) != 0;
        s.customerSignalled = (flags & CUSTOMER_SIGNALLED) != 0;
        s.resolution.resolvedNow = (flags & RESOLVED_NOW) != 0;
        s.resolution.closed = (flags & CLOSED) != 0;
        s.resolution.abandoned = (flags & ABANDONED) != 0;
        s.resolution.botContained = (flags & BOT_CONTAINED) != 0;
        s.resolution.deflected = (flags & DEFLECTED) != 0;
        s.resolution.fcrDisqualified = (flags & FCR_DISQUALIFIED) != 0;

        int ids = r.varint();
        SeenEvents seen = null;
        if (ids > 0) {
            if (ids > (bytes.length - r.pos) / 8) {
                throw new IllegalStateException("remembered conversation " + conversationId + ": " + ids
                        + " ids in " + bytes.length + " bytes");
            }
            seen = new SeenEvents();
            seen.until = optional[5];
            seen.hashes = new long[Math.max(4, ids)];
            for (int i = 0; i < ids; i++) {
                seen.hashes[i] = r.fixed64();
            }
            seen.size = ids;
        }
        r.expectEnd("remembered conversation " + conversationId);
        return new RememberedConversation(s, seen);
    }

    private static int flags(Conversation s) {
        int f = 0;
        f |= s.outbound ? OUTBOUND : 0;
        f |= s.customerSignalled ? CUSTOMER_SIGNALLED : 0;
        f |= s.resolution.resolvedNow ? RESOLVED_NOW : 0;
        f |= s.resolution.closed ? CLOSED : 0;
        f |= s.resolution.abandoned ? ABANDONED : 0;
        f |= s.resolution.botContained ? BOT_CONTAINED : 0;
        f |= s.resolution.deflected ? DEFLECTED : 0;
        f |= s.resolution.fcrDisqualified ? FCR_DISQUALIFIED : 0;
        return f;
    }
}
