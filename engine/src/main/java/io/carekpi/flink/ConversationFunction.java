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
import io.carekpi.kpi.RememberedConversation;
import io.carekpi.kpi.SeenEvents;
import io.carekpi.kpi.WaitUpdate;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.SlaEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The conversation stage, keyed by {@code conversationId}: drops repeats of an {@code eventId}
 * (counted, SPEC section 1), orders each conversation's events by event time and applies
 * {@link ConversationTracker}. Emits KPI facts, and on side outputs the customer signals (for FCR),
 * conversation summaries, SLA events and late events. SLA warnings and breaches are deadlines of
 * the conversation: they fire when the watermark passes them.
 *
 * <p>Memory (SPEC section 2): a conversation and the ids of its events are remembered until the
 * watermark passes {@code conversationRetention} after its latest event. While anything can still
 * happen by itself (a clock, a wrap-up, a live wait) it is kept as the working {@link Conversation};
 * once it is over with nothing running it shrinks to its {@link RememberedConversation} bytes,
 * ids included, with no timer: a new event (a reopen, a survey, a late message) brings it back, or
 * finds its time passed and starts afresh, exactly as the timers would have decided. Live, a state
 * TTL frees the bytes {@link #CLEANUP_SLACK} (processing time) after their retention. The first copy
 * of an id to arrive wins (Kafka offset order live; line order in replay, see {@code Replay}); the
 * same id in another conversation is another event.
 */
public class ConversationFunction extends EventTimeOrderedFunction<DecodedEvent, KpiFact> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<CustomerSignal> CUSTOMER_SIGNALS = new OutputTag<>("customer-signals") {};
    public static final OutputTag<ConversationSummary> SUMMARIES = new OutputTag<>("conversation-summaries") {};
    public static final OutputTag<Rejection> LATE = new OutputTag<>("late-events") {};
    public static final OutputTag<SlaEvent> SLA_EVENTS = new OutputTag<>("sla-events") {};
    public static final OutputTag<WaitUpdate> WAITING = new OutputTag<>("waiting") {};

    private final ConversationTracker tracker;
    private final long retentionMs;
    /** Processing time after its last write when a remembered conversation is cleaned up (null: never). */
    private final Duration cleanupAfter;
    private transient ValueState<Conversation> conversation;
    /** The ids of the events seen while the conversation is in its working form (or has none). */
    private transient ValueState<SeenEvents> seenEvents;
    /** A settled conversation and its ids, in compact form ({@link RememberedConversation}). */
    private transient ValueState<byte[]> remembered;
    private transient Counter lateEvents;
    private transient Counter expired;
    private transient Counter duplicates;
    private transient LongCounter duplicatesSeen;
    private transient LongCounter unique;

    /**
     * Slack of the state TTL that cleans up remembered conversations after their retention: TTL
     * counts processing time, the retention event time, which lags it by the out-of-orderness and
     * any backlog.
     */
    static final Duration CLEANUP_SLACK = Duration.ofDays(1);

    /** The live stage: remembered conversations are cleaned up by a state TTL. */
    public ConversationFunction(EngineConfig config) {
        this(config, Long.MAX_VALUE, config.conversationRetention.plus(CLEANUP_SLACK));
    }

    /**
     * The stage of a bounded replay: nothing is cleaned up by processing time.
     *
     * @param asOf deadlines after it do not fire at the end of the input (replay's as-of instant)
     */
    public ConversationFunction(EngineConfig config, long asOf) {
        this(config, asOf, null);
    }

    private ConversationFunction(EngineConfig config, long asOf, Duration cleanupAfter) {
        super(asOf);
        this.tracker = new ConversationTracker(config);
        this.retentionMs = config.conversationRetention.toMillis();
        this.cleanupAfter = cleanupAfter;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        super.open(ctx);
        conversation = getRuntimeContext().getState(
                new ValueStateDescriptor<>("conversation-v2", Conversation.class));
        seenEvents = getRuntimeContext().getState(new ValueStateDescriptor<>("seenEvents", SeenEvents.class));
        remembered = getRuntimeContext().getState(compactState("remembered", cleanupAfter));
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        expired = getRuntimeContext().getMetricGroup().counter("expiredConversations");
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        duplicatesSeen = getRuntimeContext().getLongCounter(Accumulators.DUPLICATES);
        unique = getRuntimeContext().getLongCounter(Accumulators.UNIQUE);
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
        super.migrate(migration); // lists the instants of the buffer, the moved v1 events' too
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

    /**
     * A compact form's state: bytes, freed by a TTL {@code cleanupAfter} (processing time) after
     * their last write when not null. Event time decides whether what they hold is still
     * remembered; the TTL only frees them some time after that, without a timer per key: Flink's
     * background cleanup, on by default (on the heap a few entries checked at every access to the
     * state, on RocksDB its compaction filter). Not also at every full snapshot: that filter ran
     * over every remembered conversation at each checkpoint of the heap backend, an eighth of the
     * live job's checkpoint CPU, to leave out the few entries the background cleanup had not
     * reached yet.
     *
     * <p>On the heap, {@value #CLEANUP_ENTRIES_PER_ACCESS} entries are checked per access instead of
     * Flink's 5: each conversation reads or writes its compact form about three times in its life,
     * so the cleanup still passes over every remembered entry every few days (an expired one is
     * freed about 3 days after its TTL on average instead of 1: some 5 % more remembered state,
     * docs/operations.md), and each check is a cache miss on a random entry: with 5, the checks
     * took 3-5 % of the engine's CPU samples and 8 % of its throughput (bench/notes.md).
     */
    static final int CLEANUP_ENTRIES_PER_ACCESS = 2;

    static ValueStateDescriptor<byte[]> compactState(String name, Duration cleanupAfter) {
        ValueStateDescriptor<byte[]> d = new ValueStateDescriptor<>(name,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        if (cleanupAfter != null) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(cleanupAfter)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp)
                    .cleanupIncrementally(CLEANUP_ENTRIES_PER_ACCESS, false)
                    .build());
        }
        return d;
    }

    /**
     * De-duplication, in arrival order: a repeat of an id the conversation has seen is dropped and
     * counted; a new id is remembered (with every id of the conversation) until {@code
     * conversationRetention} after the later of its event time and the watermark. A new event of a
     * remembered conversation brings its working state back.
     */
    @Override
    protected boolean admit(DecodedEvent e, Context ctx) throws Exception {
        long hash = SeenEvents.hash(e.event().getEventId());
        SeenEvents seen = seenEvents.value();
        boolean firstOfKey = false;
        if (seen == null) {
            byte[] compact = remembered.value();
            seen = new SeenEvents();
            firstOfKey = true;
            if (compact != null) {
                // Remembered with no timer: whether its time has passed is decided here, as the
                // timers of a working conversation and of its ids would have by now.
                RememberedConversation r = RememberedConversation.decode(ctx.getCurrentKey(), compact);
                long watermark = ctx.timerService().currentWatermark();
                boolean idsKept = r.seen != null && r.seen.until > watermark;
                if (idsKept && r.seen.contains(hash)) {
                    return duplicate();
                }
                remembered.clear();
                if (tracker.expiresAt(r.conversation) > watermark) {
                    conversation.update(r.conversation);
                    deadlineNoLaterThan(tracker.nextDeadline(r.conversation), ctx);
                } else {
                    expired.inc();
                }
                if (idsKept) {
                    seen = r.seen;
                }
            }
        } else if (seen.contains(hash)) {
            return duplicate();
        }
        seen.add(hash, Math.max(e.time(), ctx.timerService().currentWatermark()) + retentionMs);
        seenEvents.update(seen);
        if (firstOfKey) {
            // Ids of events that open nothing (article views, surveys of unknown conversations)
            // are remembered too: the key's deadline must come by the time to forget them.
            deadlineNoLaterThan(seen.until, ctx);
        }
        unique.add(1L);
        return true;
    }

    private boolean duplicate() {
        duplicates.inc();
        duplicatesSeen.add(1L);
        return false;
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
        boolean working = s != null;
        RememberedConversation compact = null;
        // Compact with events to apply: it settled at an earlier instant after these events had
        // been admitted (buffered), so admit() did not bring it back.
        if (s == null) {
            byte[] bytes = remembered.value();
            if (bytes != null) {
                compact = RememberedConversation.decode(ctx.getCurrentKey(), bytes);
                s = compact.conversation;
            } else {
                s = new Conversation();
            }
        }
        ConversationOutput output = output(ctx, out);
        for (DecodedEvent e : events) {
            tracker.onEvent(s, e.event(), output);
        }
        if (s.isOpened()) {
            boolean expires = tracker.advanceTo(s, t, output);
            tracker.reportWaiting(s, output, expires);
            if (!expires) {
                return keep(s, working, compact);
            }
            expired.inc();
        }
        // No conversation (it expired, or its events opened nothing): only its ids may remain.
        if (working) {
            conversation.clear();
        }
        SeenEvents seen;
        if (compact != null) {
            remembered.clear();
            seen = compact.seen;
        } else {
            seen = seenEvents.value();
        }
        if (seen == null || seen.until <= t) {
            if (compact == null && seen != null) {
                seenEvents.clear();
            }
            return Long.MAX_VALUE;
        }
        if (compact != null) {
            seenEvents.update(seen);
        }
        return seen.until;
    }

    /**
     * Stores a conversation that goes on and returns its next deadline: once settled, its compact
     * form, with no deadline (a new event decides whether its time has passed), else its working
     * form.
     */
    private long keep(Conversation s, boolean working, RememberedConversation compact) throws Exception {
        if (RememberedConversation.isSettled(s)) {
            SeenEvents seen = compact != null ? compact.seen : seenEvents.value();
            remembered.update(RememberedConversation.encode(s, seen));
            if (working) {
                conversation.clear();
            }
            if (compact == null && seen != null) {
                seenEvents.clear();
            }
            return Long.MAX_VALUE;
        }
        conversation.update(s);
        if (compact != null) {
            remembered.clear();
            if (compact.seen != null) {
                seenEvents.update(compact.seen);
            }
        }
        return tracker.nextDeadline(s);
    }

    private static ConversationOutput output(OnTimerContext ctx, Collector<KpiFact> out) {
        return new ConversationOutput() {
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
    }
}
