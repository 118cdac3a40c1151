package io.carekpi.kpi;

import io.carekpi.schema.SlaClock;

/** One running SLA clock of a conversation (SPEC section 3). A Flink POJO. */
public class SlaClockState {
    public SlaClock clock;
    /** 1 for the conversation's first clock of this kind, then 2, 3, ... */
    public int sequence;
    public long startedAt;
    public long thresholdMs;
    /** WARNING instant, or {@link ConversationState#NONE} when the policy raises none. */
    public long warnAt = ConversationState.NONE;
    /** BREACHED instant ({@link Long#MAX_VALUE} when the calendar never opens long enough). */
    public long deadline;
    public boolean warned;
    public boolean breached;
    /** Business-hours calendar name, or null for calendar time. */
    public String calendar;

    public SlaClockState() {}

    /** The next instant this clock must act at, or MAX_VALUE. */
    long nextInstant() {
        long next = Long.MAX_VALUE;
        if (!warned && warnAt != ConversationState.NONE) {
            next = warnAt;
        }
        if (!breached) {
            next = Math.min(next, deadline);
        }
        return next;
    }
}
