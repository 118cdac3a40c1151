package io.carekpi.kpi;

import java.util.ArrayList;
import java.util.List;

/**
 * The v1 layout of the conversation stage's state (the state named {@code conversation}), kept
 * only so that savepoints of builds before {@link io.carekpi.kpi.conversation.Conversation} restore:
 * {@code flink.ConversationFunction#migrate} reads it once at restore and
 * {@link ConversationMigration#fromV1} converts it. Its name, package and fields (and those of
 * {@link OpenWrapUp} and {@link SlaClockState}) are what those savepoints name; do not change them.
 * Remove it with the last supported savepoint of that layout. Times are epoch milliseconds;
 * {@link #NONE} means "not yet".
 *
 * @deprecated v1 state layout, read only by the state migration
 */
@Deprecated
public class ConversationState {
    public static final long NONE = Long.MIN_VALUE;

    public String conversationId;
    public String customerId;
    /** Channel symbol of the conversation: its first event's known channel. */
    public String channel;
    /** The queue last named in the conversation's events so far. */
    public String queue;
    public long openedAt = NONE;
    /** First event was an agent message: an outbound contact, with no FRT and no repeat-contact role. */
    public boolean outbound;
    /** The customer was announced to the customer stage. */
    public boolean customerSignalled;
    public long lastEventAt = NONE;

    /** Start of the customer's first wait (opened or first customer message before any agent message). */
    public long customerWaitStart = NONE;
    public long firstResponseMs = NONE;
    public long botFirstResponseMs = NONE;
    /** Start of the pending next-response wait, or NONE. */
    public long nrtPendingSince = NONE;

    public int customerMessages;
    public int agentMessages;
    public int botMessages;
    public int transfers;
    public int escalations;
    public int reopens;
    public int resolutions;
    public long lastResolutionMs = NONE;
    /** Since the latest REOPENED (or ever): resolved and not reopened. */
    public boolean resolvedNow;
    public boolean closed;
    public boolean abandoned;
    public boolean botContained;
    public boolean deflected;
    /** A TRANSFERRED, ESCALATED or REOPENED happened: no later resolution is an FCR candidate. */
    public boolean fcrDisqualified;

    /** The open handle segment's agent, or null when none is open. */
    public String segmentAgent;
    public long segmentStart = NONE;
    public long holdStart = NONE;
    public long segmentHoldMs;
    public int segmentHolds;
    /** The last agent who held the conversation (survey and wrap-up attribution). */
    public String lastHolder;

    /** Open wrap-ups, one per agent. */
    public List<OpenWrapUp> wrapUps = new ArrayList<>();

    /** Running SLA clocks (at most one of each kind). */
    public List<SlaClockState> clocks = new ArrayList<>();
    /** How many clocks of each kind were started: the sequence in SLA event ids. */
    public int firstResponseClocks;
    public int nextResponseClocks;
    public int resolutionClocks;

    /** What the live gauges were last told: waiting since (or NONE), in which channel and queue. */
    public long gaugeSince = NONE;
    public String gaugeChannel;
    public String gaugeQueue;

    public int handledSegments;
    public long talkMs;
    public long holdMs;
    public long wrapUpMs;
    public int summaries;

    public ConversationState() {}

    /**
     * A wrap-up that has started and not ended (v1 layout).
     *
     * @deprecated v1 state layout, read only by the state migration
     */
    @Deprecated
    public static class OpenWrapUp {
        /** Null when no agent is known. */
        public String agent;
        public long startedAt;

        public OpenWrapUp() {}
    }
}
