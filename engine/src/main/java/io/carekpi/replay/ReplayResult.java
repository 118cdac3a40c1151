package io.carekpi.replay;

/**
 * What a replay read and wrote, for the command's report and for tests. Every input record (every
 * non-blank line of a JSON Lines file, every datum of an Avro file) is exactly one of accepted,
 * duplicate, unknown type, late or rejected: {@link #records()} is their sum.
 *
 * @param accepted events evaluated by the engine
 * @param duplicates repeats of an event id already seen in their conversation, ignored
 * @param unknownTypes events of a type this version does not know (a newer producer's), ignored
 * @param late events that reached their conversation after the watermark (late.jsonl)
 * @param rejected records that could not be decoded or failed validation (rejected.jsonl)
 */
public record ReplayResult(long accepted, long duplicates, long unknownTypes, long late, long rejected,
                           long snapshots, long conversations, long slaEvents, long lateFacts) {

    /** The input records, each counted once in its class. */
    public long records() {
        return accepted + duplicates + unknownTypes + late + rejected;
    }

    @Override
    public String toString() {
        return records() + " input records: " + accepted + " accepted, " + duplicates + " duplicates, "
                + unknownTypes + " of unknown type, " + late + " late, " + rejected + " rejected; "
                + snapshots + " KPI snapshots, " + conversations + " conversation summaries, " + slaEvents
                + " SLA events" + (lateFacts > 0 ? ", " + lateFacts + " late facts" : "");
    }
}
