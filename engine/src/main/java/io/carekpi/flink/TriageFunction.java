package io.carekpi.flink;

import io.carekpi.events.Decoded;
import io.carekpi.events.DecodedEvent;
import io.carekpi.events.Rejection;
import io.carekpi.schema.EventType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The first stage after the sources, which have decoded and validated every input record
 * ({@code io.EventDecoder}): rejections go to {@link #REJECTED} (the dead-letter output) and are
 * counted; events of an UNKNOWN type (a newer producer's) are ignored and counted (SPEC section 1);
 * every other event goes on.
 */
public class TriageFunction extends ProcessFunction<Decoded, DecodedEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected") {};

    private transient Counter rejected;
    private transient Counter unknownTypes;

    @Override
    public void open(OpenContext ctx) {
        rejected = getRuntimeContext().getMetricGroup().counter("rejectedEvents");
        unknownTypes = getRuntimeContext().getMetricGroup().counter("unknownTypeEvents");
    }

    @Override
    public void processElement(Decoded input, Context ctx, Collector<DecodedEvent> out) {
        if (input.isRejected()) {
            rejected.inc();
            ctx.output(REJECTED, input.rejection());
        } else if (input.event().event().getType() == EventType.UNKNOWN) {
            unknownTypes.inc();
            getRuntimeContext().getLongCounter(Accumulators.UNKNOWN_TYPES).add(1L);
        } else {
            out.collect(input.event());
        }
    }
}
