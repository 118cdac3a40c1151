package io.carekpi.events;

/**
 * One input record as it came: a JSON line ({@link #text}) or Avro bytes ({@link #bytes}), with
 * its position in the input ({@link #seq}: line number of a file, record number of an Avro file,
 * offset of a Kafka partition), which breaks ties between events of one conversation at the same
 * instant, and where it came from ({@link #origin}, e.g. {@code care.events-3@1042}; null for files).
 */
public record RawInput(String text, byte[] bytes, long seq, String origin) {

    public static RawInput json(String line, long seq) {
        return new RawInput(line, null, seq, null);
    }

    public static RawInput avro(byte[] bytes, long seq, String origin) {
        return new RawInput(null, bytes, seq, origin);
    }

    /** The input as text for a dead-letter record: the line itself, or Avro bytes as hex. */
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
