package io.carekpi.replay;

/** What a replay read and wrote, for the command's report and for tests. */
public record ReplayResult(long snapshots, long conversations, long slaEvents, long rejected, long late, long lateFacts,
                           long duplicates, long unknownTypes) {
    @Override
    public String toString() {
        return snapshots + " KPI snapshots, " + conversations + " conversation summaries, " + slaEvents
                + " SLA events, " + rejected
                + " rejected, " + late + " late, " + duplicates + " duplicates ignored, " + unknownTypes
                + " events of unknown type ignored" + (lateFacts > 0 ? ", " + lateFacts + " late facts" : "");
    }
}
