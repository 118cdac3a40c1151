package io.carekpi.flink;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.CustomerLedger;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.FcrTracker;
import io.carekpi.kpi.KpiFact;
import io.carekpi.kpi.RememberedOpenings;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * The customer stage, keyed by {@code customerId}: applies {@link FcrTracker} to the openings,
 * resolutions and reopens of all of a customer's conversations, in event-time order. Emits FCR
 * facts; verdicts come fcrWindow after their resolution and are attributed to it. The ledger is
 * cleared once nothing in it can matter any more. Once only openings past {@code fcrWindow} are
 * left (kept for a later resolution of their conversations), the ledger shrinks to its {@link
 * RememberedOpenings} bytes with no timer; a signal of the customer brings it back, without the
 * openings whose time has passed by then. Live, a state TTL frees the bytes after the retention,
 * as in the conversation stage.
 */
public class CustomerFunction extends EventTimeOrderedFunction<CustomerSignal, KpiFact> {
    private static final long serialVersionUID = 1L;

    private final FcrTracker tracker;
    private final long fcrWindowMs;
    /** Processing time after its last write when a remembered ledger is cleaned up (null: never). */
    private final Duration cleanupAfter;
    private transient ValueState<CustomerLedger> ledger;
    private transient ValueState<byte[]> remembered;

    /** The live stage: remembered openings are cleaned up by a state TTL. */
    public CustomerFunction(EngineConfig config) {
        this(config, Long.MAX_VALUE, config.conversationRetention.plus(ConversationFunction.CLEANUP_SLACK));
    }

    /**
     * The stage of a bounded replay: nothing is cleaned up by processing time.
     *
     * @param asOf verdicts due after it do not fire at the end of the input (replay's as-of instant)
     */
    public CustomerFunction(EngineConfig config, long asOf) {
        this(config, asOf, null);
    }

    private CustomerFunction(EngineConfig config, long asOf, Duration cleanupAfter) {
        super(asOf);
        this.tracker = new FcrTracker(config);
        this.fcrWindowMs = config.fcrWindow.toMillis();
        this.cleanupAfter = cleanupAfter;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        super.open(ctx);
        ledger = getRuntimeContext().getState(new ValueStateDescriptor<>("ledger", CustomerLedgerSerializer.INSTANCE));
        remembered = getRuntimeContext().getState(ConversationFunction.compactState("rememberedOpenings", cleanupAfter));
    }

    /**
     * The customer's ledger as the timers would have left it just before the signals at {@code t}
     * (a remembered one moves back to the working state), or null.
     */
    private CustomerLedger load(long t, String customerId) throws Exception {
        CustomerLedger l = ledger.value();
        if (l == null) {
            byte[] compact = remembered.value();
            if (compact != null) {
                remembered.clear();
                // Deadlines before t have run; one at t runs after the signals at t.
                l = RememberedOpenings.decode(customerId, compact, t - 1, fcrWindowMs);
            }
        }
        return l;
    }

    @Override
    protected TypeInformation<CustomerSignal> elementType() {
        return TypeInformation.of(CustomerSignal.class);
    }

    @Override
    protected long timeOf(CustomerSignal s) {
        return s.at;
    }

    @Override
    protected Comparator<CustomerSignal> tieOrder() {
        return FcrTracker.ORDER;
    }

    /**
     * Cannot happen while the conversation stage emits signals before forwarding the watermark
     * that triggered them; applied at once rather than lost if it ever does.
     */
    @Override
    protected void late(CustomerSignal s, Context ctx, Collector<KpiFact> out) throws Exception {
        CustomerLedger l = load(s.at, ctx.getCurrentKey());
        if (l == null) {
            l = new CustomerLedger();
        }
        tracker.onSignal(l, s, out::collect);
        ledger.update(l);
    }

    @Override
    protected long fire(long t, List<CustomerSignal> signals, OnTimerContext ctx, Collector<KpiFact> out)
            throws Exception {
        CustomerLedger l = load(t, ctx.getCurrentKey());
        if (l == null && signals.isEmpty()) {
            return Long.MAX_VALUE;
        }
        if (l == null) {
            l = new CustomerLedger();
        }
        for (CustomerSignal s : signals) {
            tracker.onSignal(l, s, out::collect);
        }
        if (tracker.advanceTo(l, t, out::collect)) {
            ledger.clear();
            return Long.MAX_VALUE;
        }
        if (RememberedOpenings.isSettled(l, t, fcrWindowMs)) {
            remembered.update(RememberedOpenings.encode(l));
            ledger.clear();
            return Long.MAX_VALUE;
        }
        ledger.update(l);
        return Math.min(tracker.nextDeadline(l), settlesAt(l));
    }

    /** When a ledger of openings alone can shrink: the latest opening past {@code fcrWindow}. */
    private long settlesAt(CustomerLedger l) {
        if (!l.pending.isEmpty() || !l.resolutions.isEmpty()) {
            return Long.MAX_VALUE; // their own deadlines come first
        }
        long latest = Long.MIN_VALUE;
        for (CustomerLedger.Opening o : l.openings) {
            latest = Math.max(latest, o.openedAt);
        }
        return latest + fcrWindowMs + 1;
    }
}
