package io.carekpi.io;

import io.carekpi.events.Decoded;
import io.carekpi.events.DecodedEvent;
import io.carekpi.events.RawInput;
import io.carekpi.events.Rejection;
import io.carekpi.kpi.EventValidator;
import io.carekpi.schema.InteractionEvent;
import java.util.function.LongSupplier;

/**
 * The one place where input becomes events: a JSON line or Avro bytes ({@link #decode}), or a datum
 * of an Avro container file ({@link #accept}), is decoded and validated into a {@link Decoded}: the
 * event with its input position, or a {@link Rejection} with the reason. Every source uses it (the
 * Kafka source, the JSON Lines and Avro file formats), so every input is held to the same rules.
 * Never throws for bad input.
 */
public final class EventDecoder {
    private final LongSupplier clock;

    /**
     * @param clock the wall clock for {@link EventValidator#timeProblem} (an event stamped far in
     *     the future is rejected before it can drag the live watermark ahead)
     */
    public EventDecoder(LongSupplier clock) {
        this.clock = clock;
    }

    /** A decoder on the system clock. */
    public static EventDecoder live() {
        return new EventDecoder(System::currentTimeMillis);
    }

    /** Decodes and validates one input record. */
    public Decoded decode(RawInput raw) {
        InteractionEvent e;
        try {
            e = raw.text() != null ? EventJson.decode(raw.text()) : EventAvro.decode(raw.bytes());
        } catch (InvalidEventException | RuntimeException ex) {
            return Decoded.rejected(Rejection.of(raw, ex.getMessage() != null ? ex.getMessage() : ex.toString()));
        }
        String timeProblem = EventValidator.timeProblem(e, clock.getAsLong());
        if (timeProblem != null) {
            return Decoded.rejected(Rejection.of(raw, timeProblem));
        }
        return validated(e, raw.seq(), raw.origin());
    }

    /** Validates an event already decoded by its container (a datum of an Avro file). */
    public Decoded accept(InteractionEvent e, long seq) {
        String timeProblem = EventValidator.timeProblem(e, clock.getAsLong());
        if (timeProblem != null) {
            return Decoded.rejected(Rejection.ofEvent(EventJson.encode(e), timeProblem, seq, null));
        }
        return validated(e, seq, null);
    }

    private static Decoded validated(InteractionEvent e, long seq, String origin) {
        String problem = EventValidator.problem(e);
        if (problem != null) {
            // The event as JSON, not the input: what was read, in one form for every input format.
            return Decoded.rejected(Rejection.ofEvent(EventJson.encode(e), problem, seq, origin));
        }
        return Decoded.event(new DecodedEvent(e, seq));
    }
}
