package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.config.WindowSpec;
import io.carekpi.io.EventAvro;
import io.carekpi.io.InvalidEventException;
import io.carekpi.kpi.ConversationOutput;
import io.carekpi.kpi.ConversationTracker;
import io.carekpi.kpi.CustomerLedger;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.EventValidator;
import io.carekpi.kpi.FcrTracker;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SlaEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * The single-threaded bar the engine must justify itself against (McSherry's COST): decode the
 * same Avro records and compute the same KPIs with the same rule classes, a hash map per
 * conversation, customer and window, no Flink, no ordering buffer (the corpus is in event-time
 * order), deadlines checked at each event.
 */
public final class Baseline {
    private final EngineConfig config;
    private final ConversationTracker tracker;
    private final FcrTracker fcr;
    private final Map<String, Conversation> conversations = new HashMap<>();
    private final Map<String, CustomerLedger> customers = new HashMap<>();
    private final Map<String, KpiCounters> windows = new HashMap<>();
    private long facts;
    private long groupedFacts;

    public Baseline(EngineConfig config) {
        this.config = config;
        this.tracker = new ConversationTracker(config);
        this.fcr = new FcrTracker(config);
    }

    /** Processes the corpus; returns the number of KPI facts aggregated (so nothing is optimised away). */
    public long run(byte[][] corpus) {
        ConversationOutput out = new ConversationOutput() {
            @Override
            public void fact(KpiFact f) {
                aggregate(f);
            }

            @Override
            public void customerSignal(CustomerSignal s) {
                CustomerLedger l = customers.computeIfAbsent(s.customerId, k -> new CustomerLedger());
                fcr.advanceTo(l, s.at - 1, Baseline.this::aggregate);
                fcr.onSignal(l, s, Baseline.this::aggregate);
            }

            @Override
            public void summary(ConversationSummary summary) {}

            @Override
            public void slaEvent(SlaEvent event) {}
        };
        for (byte[] record : corpus) {
            InteractionEvent e;
            try {
                e = EventAvro.decode(record);
            } catch (InvalidEventException ex) {
                continue;
            }
            if (EventValidator.problem(e) != null) {
                continue;
            }
            if (ConversationTracker.keepsNoState(e)) {
                aggregate(tracker.articleViewed(e));
                continue;
            }
            Conversation s = conversations.computeIfAbsent(e.getConversationId(), k -> new Conversation());
            long t = e.getOccurredAt().toEpochMilli();
            if (s.isOpened() && tracker.nextDeadline(s) < t) {
                tracker.advanceTo(s, t - 1, out);
            }
            tracker.onEvent(s, e, out);
        }
        return facts;
    }

    /** Facts times the groupings each goes to (all, channel, channel+agent, channel+queue): the engine's window-stage input. */
    public long groupedFacts() {
        return groupedFacts;
    }

    private void aggregate(KpiFact f) {
        facts++;
        String[] dims = {"|||", f.channel + "||", f.agent == null ? null : f.channel + "|" + f.agent + "|",
                f.queue == null ? null : f.channel + "||" + f.queue};
        for (String d : dims) {
            groupedFacts += d == null ? 0 : 1;
        }
        for (WindowSpec w : config.windows) {
            long start = w.startOf(f.at);
            for (String d : dims) {
                if (d != null) {
                    windows.computeIfAbsent(w.label + start + d, k -> new KpiCounters()).apply(f);
                }
            }
        }
    }
}
