package io.carekpi.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * What a replay read and wrote, for the command's report and for tests. Every input record (every
 * non-blank line of a JSON Lines file, every datum of an Avro file) is exactly one of accepted,
 * duplicate, unknown type, late or rejected: {@link #records()} is their sum.
 *
 * @param accepted events evaluated by the engine
 * @param duplicates repeats of an event id already seen in their conversation, ignored
 * @param unknownTypes events of a type this version does not know (a newer producer's), ignored
 * @param late events that reached their conversation after the watermark (late.jsonl)
 * @param rejected records that could not be decoded or failed validation (rejected.jsonl), with the
 *     records declared by unreadable blocks of an Avro file ({@code unreadBlockRecords})
 * @param unreadBlocks unreadable blocks of an Avro file whose record counts could be read
 * @param unreadBlockRecords the records those blocks declared and that were not read (part of
 *     {@code rejected})
 * @param unreadUncounted unreadable stretches of an Avro file whose record count cannot be read,
 *     each counted as one rejected record
 */
public record ReplayResult(long accepted, long duplicates, long unknownTypes, long late, long rejected,
                           long snapshots, long conversations, long slaEvents, long lateFacts,
                           long unreadBlocks, long unreadBlockRecords, long unreadUncounted) {

    /** A result without unreadable Avro blocks. */
    public ReplayResult(long accepted, long duplicates, long unknownTypes, long late, long rejected,
                        long snapshots, long conversations, long slaEvents, long lateFacts) {
        this(accepted, duplicates, unknownTypes, late, rejected, snapshots, conversations, slaEvents, lateFacts,
                0, 0, 0);
    }

    /** The input records, each counted once in its class. */
    public long records() {
        return accepted + duplicates + unknownTypes + late + rejected;
    }

    @Override
    public String toString() {
        return records() + " input records: " + accepted + " accepted, " + duplicates + " duplicates, "
                + unknownTypes + " of unknown type, " + late + " late, " + rejected + " rejected" + unreadNote() + "; "
                + snapshots + " KPI snapshots, " + conversations + " conversation summaries, " + slaEvents
                + " SLA events" + (lateFacts > 0 ? ", " + lateFacts + " late facts" : "");
    }

    /** E.g. " (20 records in 2 unreadable Avro blocks)", or "" when no block was unreadable. */
    private String unreadNote() {
        List<String> parts = new ArrayList<>();
        if (unreadBlocks > 0) {
            parts.add(unreadBlockRecords + (unreadBlockRecords == 1 ? " record" : " records") + " in " + unreadBlocks
                    + " unreadable Avro " + (unreadBlocks == 1 ? "block" : "blocks"));
        }
        if (unreadUncounted > 0) {
            parts.add(unreadUncounted + " unreadable Avro " + (unreadUncounted == 1 ? "stretch" : "stretches")
                    + " of unknown record count, counted as 1 each");
        }
        return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    }
}
