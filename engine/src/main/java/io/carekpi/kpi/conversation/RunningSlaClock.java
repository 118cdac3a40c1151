package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;

import io.carekpi.schema.SlaClock;

/** One running SLA clock of a conversation (SPEC section 3): its instants and what it raised so far. A Flink POJO. */
public class RunningSlaClock {
    public SlaClock clock;
    /** 1 for the conversation's first clock of this kind, then 2, 3, ... */
    public int sequence;
    public long startedAt;
    public long thresholdMs;
    /** WARNING instant, or {@link Conversation#NONE} when the policy raises none. */
    public long warnAt = NONE;
    /** BREACHED instant ({@link Long#MAX_VALUE} when the calendar never opens long enough). */
    public long deadline;
    public boolean warned;
    public boolean breached;
    /** Business-hours calendar name, or null for calendar time. */
    public String calendar;

    public RunningSlaClock() {}

    /** The WARNING is due at or before {@code t}: not raised yet, and its instant comes before the deadline. */
    public boolean warningDueBy(long t) {
        return !warned && warnAt != NONE && warnAt <= t && warnAt < deadline;
    }

    /** The BREACHED is due at or before {@code t}. */
    public boolean breachDueBy(long t) {
        return !breached && deadline <= t;
    }

    public void warn() {
        warned = true;
    }

    /** Breached: no WARNING may follow. */
    public void breach() {
        breached = true;
        warned = true;
    }

    /** The next instant this clock must act at, or MAX_VALUE. */
    public long nextInstant() {
        long next = Long.MAX_VALUE;
        if (!warned && warnAt != NONE) {
            next = warnAt;
        }
        if (!breached) {
            next = Math.min(next, deadline);
        }
        return next;
    }
}
