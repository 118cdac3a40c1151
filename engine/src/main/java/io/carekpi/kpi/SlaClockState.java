package io.carekpi.kpi;

import io.carekpi.schema.SlaClock;

/**
 * The v1 layout of one running SLA clock, an element of {@link ConversationState#clocks}; kept only
 * so that v1 savepoints restore (see {@link ConversationState}). Do not change its name, package or
 * fields. The current clock is {@link io.carekpi.kpi.conversation.RunningSlaClock}.
 *
 * @deprecated v1 state layout, read only by the state migration
 */
@Deprecated
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
}
