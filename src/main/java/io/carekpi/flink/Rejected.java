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
    /** Event time of a late event, else Long.MIN_VALUE. */
    public long occurredAt = Long.MIN_VALUE;

    public Rejected() {}

    public Rejected(String input, String reason, long seq) {
        this.input = input;
        this.reason = reason;
        this.seq = seq;
    }
}
