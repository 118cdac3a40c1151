package io.carekpi.events;

/**
 * One input record as it came: a JSON line ({@link #text}) or Avro bytes ({@link #bytes}), with
 * its position in the input ({@link #seq}: line number of a file, record number of an Avro file,
 * offset of a Kafka partition), which breaks ties between events of one conversation at the same
 * instant; and the Kafka {@link #partition} it was read from ({@link Decoded#NO_PARTITION} for files),
 * which the decoded input carries on to the live watermarks.
 */
public record RawInput(String text, byte[] bytes, long seq, int partition) {

    public static RawInput json(String line, long seq) {
        return new RawInput(line, null, seq, Decoded.NO_PARTITION);
    }

    public static RawInput avro(byte[] bytes, long seq) {
        return new RawInput(null, bytes, seq, Decoded.NO_PARTITION);
    }

    /** A Kafka record's value, at {@code offset} of {@code partition}. */
    public static RawInput kafka(byte[] bytes, int partition, long offset) {
        return new RawInput(null, bytes, offset, partition);
    }

    /** How many bytes of a binary input {@link #describe} shows as hex (the bytes themselves go on whole). */
    public static final int DESCRIBED_BYTES = 512;

    /**
     * The input as text for a dead-letter record: the line itself, or Avro bytes as hex (the first
     * {@link #DESCRIBED_BYTES}, then the length: a dead letter of binary input carries its bytes).
     */
    public String describe() {
        if (text != null) {
            return text;
        }
        if (bytes == null) {
            return "";
        }
        int shown = Math.min(bytes.length, DESCRIBED_BYTES);
        StringBuilder sb = new StringBuilder(shown * 2 + 32);
        for (int i = 0; i < shown; i++) {
            sb.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        if (shown < bytes.length) {
            sb.append("…[").append(bytes.length).append(" bytes]");
        }
        return sb.toString();
    }
}
