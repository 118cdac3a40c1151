package io.carekpi.events;

/**
 * An input record the engine could not use, with why: undecodable or invalid (a dead letter), or
 * an event that arrived after the watermark had passed its time (late). Never silently dropped.
 * One rejection is one input record, except an unreadable stretch of an Avro container file
 * ({@link #unread}), which stands for the records its blocks declared.
 *
 * @param input the input as text: the JSON line, Avro bytes as hex, or the event as JSON
 * @param bytes the original Avro bytes when the input was binary (written as-is to the dead-letter
 *     topic), else null
 * @param reason why it was rejected
 * @param seq its position in the input (line or record number, partition offset)
 * @param origin where it came from ({@code topic-partition@offset}), or null for files
 * @param unread for the blocks of an Avro container file that could not be read: what they held;
 *     null for one input record
 */
public record Rejection(String input, byte[] bytes, String reason, long seq, String origin, UnreadBlocks unread) {

    /**
     * Blocks of an Avro container file skipped because they cannot be read.
     *
     * @param blocks how many blocks the skipped bytes hold (1 when their headers cannot be read)
     * @param records the records those blocks declared and that were not read, or {@link #UNKNOWN}
     *     when a block's header is unreadable or implausible
     */
    public record UnreadBlocks(long blocks, long records) {
        public static final long UNKNOWN = -1;
    }

    /** One input record. */
    public Rejection(String input, byte[] bytes, String reason, long seq, String origin) {
        this(input, bytes, reason, seq, origin, null);
    }

    /** The input record itself, rejected for {@code reason} (its origin, if any, added by {@link #from}). */
    public static Rejection of(RawInput raw, String reason) {
        return new Rejection(raw.describe(), raw.bytes(), reason, raw.seq(), null);
    }

    /** A decoded event with no bytes of its own (a container's datum, a late event), as JSON. */
    public static Rejection ofEvent(String json, String reason, long seq) {
        return new Rejection(json, null, reason, seq, null);
    }

    /** This rejection, from {@code origin}. */
    public Rejection from(String origin) {
        return new Rejection(input, bytes, reason, seq, origin, unread);
    }
}
