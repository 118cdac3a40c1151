package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;

import io.carekpi.schema.SlaClock;

/**
 * The customer's waits for a reply (SPEC section 2): the first wait (FRT, and the bot's first
 * response), then each next-response wait, with the messages of each side that decide them.
 * A Flink POJO.
 */
public class ResponseClocks {
    /** Start of the customer's first wait (opened or first customer message before any agent message). */
    public long customerWaitStart = NONE;
    public long firstResponseMs = NONE;
    public long botFirstResponseMs = NONE;
    /** Start of the pending next-response wait, or NONE. */
    public long nrtPendingSince = NONE;
    public int customerMessages;
    public int agentMessages;
    public int botMessages;

    public ResponseClocks() {}

    /** What an agent message answered: the SLA clock it stops, and the wait it ends in ms (NONE: no sample). */
    public record Reply(SlaClock clock, long waitMs) {
        public boolean sampled() {
            return waitMs != NONE;
        }
    }

    /** No agent has replied yet. */
    public boolean unanswered() {
        return agentMessages == 0;
    }

    /** The customer's first wait starts at {@code t} unless it started already or an agent replied. */
    public boolean startFirstWait(long t) {
        if (customerWaitStart == NONE && agentMessages == 0) {
            customerWaitStart = t;
            return true;
        }
        return false;
    }

    /**
     * A customer message at {@code t}: before any reply it may start the first wait, after one it
     * starts a next-response wait when none is pending. Returns the clock of the wait it started, or null.
     */
    public SlaClock customerMessage(long t) {
        customerMessages++;
        if (agentMessages == 0) {
            return startFirstWait(t) ? SlaClock.FIRST_RESPONSE : null;
        }
        if (nrtPendingSince == NONE) {
            nrtPendingSince = t;
            return SlaClock.NEXT_RESPONSE;
        }
        return null;
    }

    /** An agent message at {@code t}: the first reply ends the first wait, a later one the pending wait. */
    public Reply agentMessage(long t) {
        Reply reply;
        if (agentMessages == 0) {
            if (customerWaitStart != NONE) {
                firstResponseMs = t - customerWaitStart;
            }
            reply = new Reply(SlaClock.FIRST_RESPONSE, firstResponseMs);
        } else {
            reply = new Reply(SlaClock.NEXT_RESPONSE, nrtPendingSince == NONE ? NONE : t - nrtPendingSince);
            nrtPendingSince = NONE;
        }
        agentMessages++;
        return reply;
    }

    /**
     * A bot message at {@code t}. Returns the bot's first response time when it is the first bot
     * message, before any agent reply, during the customer's first wait; else NONE.
     */
    public long botMessage(long t) {
        long sample = NONE;
        if (botMessages == 0 && agentMessages == 0 && customerWaitStart != NONE) {
            botFirstResponseMs = t - customerWaitStart;
            sample = botFirstResponseMs;
        }
        botMessages++;
        return sample;
    }

    /** A resolution or close ends a pending next-response wait with no sample. */
    public void endPendingWait() {
        nrtPendingSince = NONE;
    }

    /** Only the bot talked: no agent message, at least one bot message. */
    public boolean botOnly() {
        return agentMessages == 0 && botMessages > 0;
    }

    /** Where an abandon wait starts: the customer's first wait, else {@code openedAt}. */
    public long waitStartOr(long openedAt) {
        return customerWaitStart != NONE ? customerWaitStart : openedAt;
    }

    /** Since when the customer waits for a reply (of a conversation not closed), or NONE. */
    public long waitingSince(boolean resolvedNow) {
        if (agentMessages == 0) {
            return resolvedNow ? NONE : customerWaitStart;
        }
        return nrtPendingSince;
    }
}
