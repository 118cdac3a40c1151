package io.carekpi.flink;

import io.carekpi.io.EventJson;
import io.carekpi.kpi.EventValidator;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates input records. Invalid ones go to {@link #REJECTED} with the reason;
 * events of an UNKNOWN type (a newer producer's) are ignored and counted (SPEC section 1).
 */
public class DecodeFunction extends ProcessFunction<RawEvent, EventEnvelope> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Rejected> REJECTED = new OutputTag<>("rejected") {};

    private transient Counter rejected;
    private transient Counter unknownTypes;

    @Override
    public void open(OpenContext ctx) {
        rejected = getRuntimeContext().getMetricGroup().counter("rejectedEvents");
        unknownTypes = getRuntimeContext().getMetricGroup().counter("unknownTypeEvents");
    }

    @Override
    public void processElement(RawEvent raw, Context ctx, Collector<EventEnvelope> out) {
        InteractionEvent e = raw.decoded;
        if (e == null) {
            if (raw.problem == null) {
                raw.predecode();
            }
            if (raw.problem != null) {
                reject(raw, raw.problem, ctx);
                return;
            }
            e = raw.decoded;
        }
        String problem = EventValidator.problem(e);
        if (problem != null) {
            reject(raw, problem, ctx);
            return;
        }
        if (e.getType() == EventType.UNKNOWN) {
            unknownTypes.inc();
            getRuntimeContext().getLongCounter(Accumulators.UNKNOWN_TYPES).add(1L);
            return;
        }
        out.collect(new EventEnvelope(e, raw.seq));
    }

    private void reject(RawEvent raw, String reason, Context ctx) {
        rejected.inc();
        Rejected r = new Rejected(raw.decoded != null ? EventJson.encode(raw.decoded) : raw.describe(), reason, raw.seq);
        r.origin = raw.origin;
        r.bytes = raw.bytes;
        ctx.output(REJECTED, r);
    }
}
