package io.carekpi.flink;

/** Names of the job accumulators that count input records by what became of them (reported by replay). */
public final class Accumulators {
    public static final String DUPLICATES = "duplicateEvents";
    public static final String UNKNOWN_TYPES = "unknownTypeEvents";
    /** Events that passed de-duplication: evaluated, or late (counted apart by the late output). */
    public static final String UNIQUE = "uniqueEvents";

    private Accumulators() {}
}
