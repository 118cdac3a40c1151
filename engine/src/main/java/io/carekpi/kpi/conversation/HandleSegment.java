package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;

/**
 * The open handle segment of one agent (SPEC section 2): from the agent's assignment (or first
 * message) to the next transfer, escalation, assignment to someone else, resolution or close, with
 * the holds inside it; and the last agent who held the conversation. A Flink POJO.
 */
public class HandleSegment {
    /** The open segment's agent, or null when none is open. */
    public String agent;
    public long startedAt = NONE;
    /** Start of the open hold, or NONE. */
    public long holdStart = NONE;
    /** Hold time of the segment's ended holds. */
    public long holdMs;
    /** The segment's ended holds. */
    public int holds;
    /** The last agent who held the conversation (survey and wrap-up attribution). */
    public String lastHolder;

    public HandleSegment() {}

    /** An ended segment: one handled contact of {@code agent}, its talk and hold time and holds. */
    public record Handled(String agent, long talkMs, long holdMs, int holds) {}

    public boolean isOpen() {
        return agent != null;
    }

    /** Whether {@code other} (not null) holds the open segment. */
    public boolean isHeldBy(String other) {
        return other.equals(agent);
    }

    public void start(String newAgent, long t) {
        agent = newAgent;
        startedAt = t;
        holdStart = NONE;
        holdMs = 0;
        holds = 0;
        lastHolder = newAgent;
    }

    /** A hold starts, unless no segment is open or a hold is on already. */
    public void holdStarted(long t) {
        if (agent != null && holdStart == NONE) {
            holdStart = t;
        }
    }

    /** The open hold ends and counts; ignored when no segment or no hold is open. */
    public void holdEnded(long t) {
        if (agent != null && holdStart != NONE) {
            holdMs += t - holdStart;
            holds++;
            holdStart = NONE;
        }
    }

    /**
     * Ends the open segment at {@code t}; an open hold ends with it and counts. Returns the handled
     * contact, or null when no segment was open.
     */
    public Handled end(long t) {
        if (agent == null) {
            return null;
        }
        long hold = holdMs;
        int count = holds;
        if (holdStart != NONE) {
            hold += t - holdStart;
            count++;
        }
        Handled handled = new Handled(agent, (t - startedAt) - hold, hold, count);
        agent = null;
        startedAt = NONE;
        holdStart = NONE;
        holdMs = 0;
        holds = 0;
        return handled;
    }
}
