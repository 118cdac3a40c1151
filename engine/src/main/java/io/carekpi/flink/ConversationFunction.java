package io.carekpi.flink;

import io.carekpi.config.EngineConfig;
import io.carekpi.events.DecodedEvent;
import io.carekpi.events.Rejection;
import io.carekpi.io.EventJson;
import io.carekpi.kpi.ConversationMigration;
import io.carekpi.kpi.ConversationOutput;
import io.carekpi.kpi.ConversationState;
import io.carekpi.kpi.ConversationTracker;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.KpiFact;
import io.carekpi.kpi.WaitUpdate;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.SlaEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The conversation stage, keyed by {@code conversationId}: orders each conversation's events by
 * event time and applies {@link ConversationTracker}. Emits KPI facts, and on side outputs the
 * customer signals (for FCR), conversation summaries, SLA events and late events. SLA warnings and
 * breaches are deadlines of the conversation: they fire when the watermark passes them. The state is cleared when
 * the conversation expires (fcrWindow after it was resolved or closed, else the idle timeout).
 */
public class ConversationFunction extends EventTimeOrderedFunction<DecodedEvent, KpiFact>
        implements MigratesKeyedState {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<CustomerSignal> CUSTOMER_SIGNALS = new OutputTag<>("customer-signals") {};
    public static final OutputTag<ConversationSummary> SUMMARIES = new OutputTag<>("conversation-summaries") {};
    public static final OutputTag<Rejection> LATE = new OutputTag<>("late-events") {};
    public static final OutputTag<SlaEvent> SLA_EVENTS = new OutputTag<>("sla-events") {};
    public static final OutputTag<WaitUpdate> WAITING = new OutputTag<>("waiting") {};

    private final ConversationTracker tracker;
    private transient ValueState<Conversation> conversation;
    private transient Counter lateEvents;
    private transient Counter expired;

    public ConversationFunction(EngineConfig config) {
        this(config, Long.MAX_VALUE);
    }

    /** @param asOf deadlines after it do not fire at the end of the input (replay's as-of instant) */
    public ConversationFunction(EngineConfig config, long asOf) {
        super(asOf);
        this.tracker = new ConversationTracker(config);
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        super.open(ctx);
        conversation = getRuntimeContext().getState(
                new ValueStateDescriptor<>("conversation-v2", Conversation.class));
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        expired = getRuntimeContext().getMetricGroup().counter("expiredConversations");
    }

    /**
     * The v1 buffer of events waiting for the watermark, restored from a savepoint of a build before
     * the events got their own package ({@link EventEnvelope}); moved to the current buffer at open.
     */
    @SuppressWarnings("deprecation")
    private static final MapStateDescriptor<Long, List<EventEnvelope>> V1_BUFFER = new MapStateDescriptor<>(
            "buffer", Types.LONG, Types.LIST(TypeInformation.of(EventEnvelope.class)));

    /**
     * The v1 conversation state, one class of many fields ({@link ConversationState}), restored from
     * a savepoint of a build before the state was made of named parts; converted at open.
     */
    @SuppressWarnings("deprecation")
    private static final ValueStateDescriptor<ConversationState> V1_CONVERSATION = new ValueStateDescriptor<>(
            "conversation", ConversationState.class);

    @Override
    protected String bufferStateName() {
        return "events";
    }

    @Override
    @SuppressWarnings("deprecation")
    public void migrate(KeyedStateMigration migration) throws Exception {
        migration.forEachKey(V1_BUFFER, v1 -> {
            for (Map.Entry<Long, List<EventEnvelope>> at : v1.entries()) {
                List<DecodedEvent> events = new ArrayList<>(at.getValue().size());
                for (EventEnvelope e : at.getValue()) {
                    events.add(new DecodedEvent(e.event, e.seq));
                }
                buffer().put(at.getKey(), events);
            }
            v1.clear();
        });
        migration.forEachKey(V1_CONVERSATION, v1 -> {
            ConversationState old = v1.value();
            if (old != null) {
                conversation.update(ConversationMigration.fromV1(old));
            }
            v1.clear();
        });
    }

    @Override
    protected TypeInformation<DecodedEvent> elementType() {
        return TypeInformation.of(DecodedEvent.class);
    }

    @Override
    protected long timeOf(DecodedEvent e) {
        return e.time();
    }

    @Override
    protected Comparator<DecodedEvent> tieOrder() {
        return Comparator.comparingLong(DecodedEvent::seq);
    }

    /** Article views keep no conversation state: counted as they arrive. */
    @Override
    protected boolean needsOrdering(DecodedEvent e) {
        return !ConversationTracker.keepsNoState(e.event());
    }

    @Override
    protected void processNow(DecodedEvent e, Collector<KpiFact> out) {
        out.collect(tracker.articleViewed(e.event()));
    }

    @Override
    protected void late(DecodedEvent e, Context ctx, Collector<KpiFact> out) {
        lateEvents.inc();
        ctx.output(LATE, Rejection.ofEvent(EventJson.encode(e.event()),
                "late: the watermark (" + ctx.timerService().currentWatermark()
                        + ") had passed its occurredAt; its conversation was already evaluated past it", e.seq()));
    }

    @Override
    protected long fire(long t, List<DecodedEvent> events, OnTimerContext ctx, Collector<KpiFact> out)
            throws Exception {
        Conversation s = conversation.value();
        if (s == null && events.isEmpty()) {
            return Long.MAX_VALUE;
        }
        if (s == null) {
            s = new Conversation();
        }
        ConversationOutput output = new ConversationOutput() {
            @Override
            public void fact(KpiFact fact) {
                out.collect(fact);
            }

            @Override
            public void customerSignal(CustomerSignal signal) {
                ctx.output(CUSTOMER_SIGNALS, signal);
            }

            @Override
            public void summary(ConversationSummary summary) {
                ctx.output(SUMMARIES, summary);
            }

            @Override
            public void slaEvent(SlaEvent event) {
                ctx.output(SLA_EVENTS, event);
            }

            @Override
            public void waiting(WaitUpdate update) {
                ctx.output(WAITING, update);
            }
        };
        for (DecodedEvent e : events) {
            tracker.onEvent(s, e.event(), output);
        }
        if (!s.isOpened()) {
            return Long.MAX_VALUE; // only surveys of a conversation not remembered: they keep no state
        }
        boolean expires = tracker.advanceTo(s, t, output);
        tracker.reportWaiting(s, output, expires);
        if (expires) {
            expired.inc();
            conversation.clear();
            return Long.MAX_VALUE;
        }
        conversation.update(s);
        return tracker.nextDeadline(s);
    }
}
