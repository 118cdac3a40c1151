package io.carekpi.flink;

/** Names of the job accumulators that count what is ignored by rule (reported by replay). */
public final class Accumulators {
    public static final String DUPLICATES = "duplicateEvents";
    public static final String UNKNOWN_TYPES = "unknownTypeEvents";

    private Accumulators() {}
}
