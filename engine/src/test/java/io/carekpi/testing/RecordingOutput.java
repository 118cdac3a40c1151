package io.carekpi.testing;

import io.carekpi.kpi.ConversationOutput;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiFact;
import io.carekpi.kpi.WaitUpdate;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.SlaEvent;
import java.util.ArrayList;
import java.util.List;

/** Collects what the trackers report. */
public final class RecordingOutput implements ConversationOutput {
    public final List<KpiFact> facts = new ArrayList<>();
    public final List<CustomerSignal> signals = new ArrayList<>();
    public final List<ConversationSummary> summaries = new ArrayList<>();
    public final List<SlaEvent> slaEvents = new ArrayList<>();
    public final List<WaitUpdate> waits = new ArrayList<>();

    @Override
    public void fact(KpiFact fact) {
        facts.add(fact);
    }

    @Override
    public void customerSignal(CustomerSignal signal) {
        signals.add(signal);
    }

    @Override
    public void summary(ConversationSummary summary) {
        summaries.add(summary);
    }

    @Override
    public void slaEvent(SlaEvent event) {
        slaEvents.add(event);
    }

    @Override
    public void waiting(WaitUpdate update) {
        waits.add(update);
    }

    public List<KpiFact> facts(FactKind kind) {
        return facts.stream().filter(f -> f.kind == kind).toList();
    }

    public KpiFact only(FactKind kind) {
        List<KpiFact> found = facts(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + " fact but got " + found + " in " + facts);
        }
        return found.get(0);
    }
}
