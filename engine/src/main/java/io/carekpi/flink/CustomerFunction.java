package io.carekpi.flink;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.CustomerLedger;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.FcrTracker;
import io.carekpi.kpi.KpiFact;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * The customer stage, keyed by {@code customerId}: applies {@link FcrTracker} to the openings,
 * resolutions and reopens of all of a customer's conversations, in event-time order. Emits FCR
 * facts; verdicts come fcrWindow after their resolution and are attributed to it. The ledger is
 * cleared once nothing in it can matter any more.
 */
public class CustomerFunction extends EventTimeOrderedFunction<CustomerSignal, KpiFact> {
    private static final long serialVersionUID = 1L;

    private final FcrTracker tracker;
    private transient ValueState<CustomerLedger> ledger;

    public CustomerFunction(EngineConfig config) {
        this(config, Long.MAX_VALUE);
    }

    /** @param asOf verdicts due after it do not fire at the end of the input (replay's as-of instant) */
    public CustomerFunction(EngineConfig config, long asOf) {
        super(asOf);
        this.tracker = new FcrTracker(config);
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        super.open(ctx);
        ledger = getRuntimeContext().getState(new ValueStateDescriptor<>("ledger", CustomerLedger.class));
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
        CustomerLedger l = ledger.value();
        if (l == null) {
            l = new CustomerLedger();
        }
        tracker.onSignal(l, s, out::collect);
        ledger.update(l);
    }

    @Override
    protected long fire(long t, List<CustomerSignal> signals, OnTimerContext ctx, Collector<KpiFact> out)
            throws Exception {
        CustomerLedger l = ledger.value();
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
        ledger.update(l);
        return tracker.nextDeadline(l);
    }
}
