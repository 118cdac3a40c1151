package io.carekpi.io;

import io.carekpi.events.Decoded;
import io.carekpi.events.DecodedEvent;
import io.carekpi.events.RawInput;
import io.carekpi.events.Rejection;
import io.carekpi.kpi.EventValidator;
import io.carekpi.schema.InteractionEvent;
import java.io.Serializable;
import java.time.Instant;

/**
 * The one place where input becomes events: a JSON line or Avro bytes ({@link #decode}), or a datum
 * of an Avro container file ({@link #accept}), is decoded and validated into a {@link Decoded}: the
 * event with its input position, or a {@link Rejection} with the reason. Every source uses it (the
 * Kafka source, the JSON Lines and Avro file formats), so every input is held to the same rules.
 * Never throws for bad input (only when a schema registry it needs is unavailable).
 */
public final class EventDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    /** No future-time bound. */
    private static final long UNBOUNDED = Long.MAX_VALUE;
    /** The bound follows the wall clock. */
    private static final long WALL_CLOCK = Long.MIN_VALUE;

    /** The instant the future-time bound is relative to, or {@link #WALL_CLOCK}, or {@link #UNBOUNDED}. */
    private final long reference;
    private final String referenceName;
    /** Writer schemas of records in the Confluent wire format, or null. */
    private final WriterSchemas registry;

    private EventDecoder(long reference, String referenceName, WriterSchemas registry) {
        this.reference = reference;
        this.referenceName = referenceName;
        this.registry = registry;
    }

    /**
     * The live sources' decoder: an event stamped more than an hour ahead of the wall clock is
     * rejected before it can drag the watermark ahead and make every later event late.
     */
    public static EventDecoder live() {
        return live(null);
    }

    /**
     * {@link #live()}, reading records in the Confluent wire format with their writer schemas from
     * {@code registry} (null: none; such records are dead letters).
     */
    public static EventDecoder live(WriterSchemas registry) {
        return new EventDecoder(WALL_CLOCK, "the clock", registry);
    }

    /**
     * A replay's decoder, which never depends on the day it runs: with an as-of instant (the end
     * of the data) an event more than an hour after it is rejected; without one there is no
     * future-time bound (a replay's watermark does not follow the clock).
     */
    public static EventDecoder replay(Instant asOf) {
        return asOf == null ? new EventDecoder(UNBOUNDED, null, null)
                : new EventDecoder(asOf.toEpochMilli(), "the as-of instant " + asOf, null);
    }

    private String timeProblem(InteractionEvent e) {
        long now = reference == WALL_CLOCK ? System.currentTimeMillis() : reference;
        return EventValidator.timeProblem(e, now, referenceName);
    }

    /**
     * Decodes and validates one input record.
     *
     * @throws WriterSchemas.RegistryUnavailableException if the schema registry a record needs
     *     cannot be asked: not the record's fault, so not a dead letter
     */
    public Decoded decode(RawInput raw) {
        InteractionEvent e;
        try {
            e = raw.text() != null ? EventJson.decode(raw.text()) : EventAvro.decode(raw.bytes(), registry);
        } catch (WriterSchemas.RegistryUnavailableException ex) {
            throw ex;
        } catch (InvalidEventException | RuntimeException ex) {
            return Decoded.rejected(Rejection.of(raw, ex.getMessage() != null ? ex.getMessage() : ex.toString()));
        }
        String timeProblem = timeProblem(e);
        if (timeProblem != null) {
            return Decoded.rejected(Rejection.of(raw, timeProblem));
        }
        String problem = EventValidator.problem(e);
        if (problem != null) {
            return Decoded.rejected(Rejection.of(raw, problem)); // the input as it came, not the event re-encoded
        }
        return Decoded.event(new DecodedEvent(e, raw.seq()), raw.partition());
    }

    /** Validates an event already decoded by its container (a datum of an Avro file). */
    public Decoded accept(InteractionEvent e, long seq) {
        String timeProblem = timeProblem(e);
        if (timeProblem != null) {
            return Decoded.rejected(Rejection.ofEvent(EventJson.encode(e), timeProblem, seq));
        }
        String problem = EventValidator.problem(e);
        if (problem != null) {
            // A container's datum has no bytes of its own: the event as JSON.
            return Decoded.rejected(Rejection.ofEvent(EventJson.encode(e), problem, seq));
        }
        return Decoded.event(new DecodedEvent(e, seq));
    }
}
