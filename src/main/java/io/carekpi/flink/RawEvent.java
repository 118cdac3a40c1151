package io.carekpi.flink;

/**
 * One input record before decoding: a JSON line ({@link #text}) or Avro bytes ({@link #bytes}),
 * with its position in the input ({@link #seq}: line number of a file, offset of a Kafka
 * partition), which breaks ties between events of one conversation at the same instant.
 */
public class RawEvent {
    public String text;
    public byte[] bytes;
    public long seq;

    public RawEvent() {}

    public static RawEvent ofText(String text, long seq) {
        RawEvent r = new RawEvent();
        r.text = text;
        r.seq = seq;
        return r;
    }

    public static RawEvent ofBytes(byte[] bytes, long seq) {
        RawEvent r = new RawEvent();
        r.bytes = bytes;
        r.seq = seq;
        return r;
    }

    /** The input as text for a dead-letter record (Avro bytes as hex). */
    public String describe() {
        if (text != null) {
            return text;
        }
        if (bytes == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
