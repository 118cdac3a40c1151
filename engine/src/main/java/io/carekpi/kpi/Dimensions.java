package io.carekpi.kpi;

/**
 * The groupings of SPEC section 4 a fact counts in: all channels, the channel, channel+agent
 * (when it has an agent) and channel+queue (when it has a queue). A null dimension means "not
 * grouped" and is written as {@code all}; a fact without agent or queue is in no such row.
 */
public final class Dimensions {
    private static final char SEP = '\u001f';
    public static final String ALL = "all";

    private Dimensions() {}

    /** Receives one grouping of a fact. */
    @FunctionalInterface
    public interface Grouping {
        void accept(String channel, String agent, String queue) throws Exception;
    }

    /** Calls {@code to} once for every grouping of {@code f}. */
    public static void forEachGrouping(KpiFact f, Grouping to) throws Exception {
        to.accept(null, null, null);
        to.accept(f.channel, null, null);
        if (f.agent != null) {
            to.accept(f.channel, f.agent, null);
        }
        if (f.queue != null) {
            to.accept(f.channel, null, f.queue);
        }
    }

    /** The key of a grouping (the window stage is keyed by it). */
    public static String key(String channel, String agent, String queue) {
        return nz(channel) + SEP + nz(agent) + SEP + nz(queue);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Output value of a dimension: the value, or {@code all} when not grouped. */
    public static String label(String value) {
        return value == null ? ALL : value;
    }
}
