package io.carekpi.kpi;

import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.SlaEvent;

/** Where {@link ConversationTracker} puts what it finds; the Flink function maps these to outputs. */
public interface ConversationOutput {
    void fact(KpiFact fact);

    void customerSignal(CustomerSignal signal);

    void summary(ConversationSummary summary);

    void slaEvent(SlaEvent event);

    /** The customer started or stopped waiting for an agent reply (live gauges). */
    default void waiting(WaitUpdate update) {}
}
