package io.carekpi.flink;

import io.carekpi.io.EventAvro;
import io.carekpi.io.EventJson;
import io.carekpi.io.InvalidEventException;
import io.carekpi.kpi.EventValidator;
import io.carekpi.schema.InteractionEvent;

/**
 * One input record: a JSON line ({@link #text}) or Avro bytes ({@link #bytes}), with its position
 * in the input ({@link #seq}: line number of a file, offset of a Kafka partition), which breaks
 * ties between events of one conversation at the same instant.
 *
 * <p>Live sources decode in the source ({@link #predecode}) so that watermarks can be generated
 * per Kafka partition from {@link #eventTime}; the record then carries the event (or why it could
 * not be decoded, with the original input kept for the dead-letter output).
 */
public class RawEvent {
    public String text;
    public byte[] bytes;
    public long seq;
    /** Where it came from, e.g. {@code care.events-3@1042}; null for files. */
    public String origin;
    /** Set by {@link #predecode}: the event, or null. */
    public InteractionEvent decoded;
    /** Set by {@link #predecode} when decoding failed. */
    public String problem;
    /** The event's occurredAt once decoded, else Long.MIN_VALUE. */
    public long eventTime = Long.MIN_VALUE;

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

    /**
     * Decodes the input now and checks its time is plausible ({@link EventValidator#timeProblem}).
     * On success the input itself is dropped (the event replaces it); on failure it is kept with
     * the reason, for the dead-letter output. Never throws.
     */
    public RawEvent predecode() {
        try {
            InteractionEvent e = text != null ? EventJson.decode(text) : EventAvro.decode(bytes);
            problem = EventValidator.timeProblem(e, System.currentTimeMillis());
            if (problem == null) {
                decoded = e;
                eventTime = e.getOccurredAt().toEpochMilli();
                text = null;
                bytes = null;
            }
        } catch (InvalidEventException | RuntimeException e) {
            problem = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        return this;
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
