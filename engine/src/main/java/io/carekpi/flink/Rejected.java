package io.carekpi.flink;

/**
 * An input record the engine could not use, with why: undecodable or invalid (dead letter), or an
 * event that arrived after the watermark passed its time (late). Never silently dropped.
 */
public class Rejected {
    /** The input: the JSON line, Avro bytes as hex, or the late event as JSON. */
    public String input;
    public String reason;
    public long seq;
    /** The original Avro bytes when the input was binary (written as-is to the dead-letter topic). */
    public byte[] bytes;
    /** Where the input came from ({@code topic-partition@offset}), or null for files. */
    public String origin;

    public Rejected() {}

    public Rejected(String input, String reason, long seq) {
        this.input = input;
        this.reason = reason;
        this.seq = seq;
    }
}
