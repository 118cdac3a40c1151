package io.carekpi.flink;

import io.carekpi.kpi.KpiFact;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Fans a fact out to the groupings of SPEC section 4: all channels, the channel, channel+agent
 * (when it has an agent) and channel+queue (when it has a queue). A null dimension means "not
 * grouped" and is written as {@code all}; a fact without agent or queue is in no such row.
 */
public final class Dimensions implements FlatMapFunction<KpiFact, KpiFact> {
    private static final long serialVersionUID = 1L;
    private static final char SEP = '\u001f';
    public static final String ALL = "all";

    @Override
    public void flatMap(KpiFact f, Collector<KpiFact> out) {
        out.collect(f.withDimensions(null, null, null));
        out.collect(f.withDimensions(f.channel, null, null));
        if (f.agent != null) {
            out.collect(f.withDimensions(f.channel, f.agent, null));
        }
        if (f.queue != null) {
            out.collect(f.withDimensions(f.channel, null, f.queue));
        }
    }

    /** The key of a fact's grouping (the window stage is keyed by it). */
    public static String keyOf(KpiFact f) {
        return nz(f.channel) + SEP + nz(f.agent) + SEP + nz(f.queue);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Output value of a dimension: the value, or {@code all} when not grouped. */
    public static String label(String value) {
        return value == null ? ALL : value;
    }
}
