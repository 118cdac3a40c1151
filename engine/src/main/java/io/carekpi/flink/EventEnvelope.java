package io.carekpi.flink;

import io.carekpi.schema.InteractionEvent;

/** A decoded, valid event with its input position (tie-breaker for equal event times). */
public class EventEnvelope {
    public InteractionEvent event;
    public long seq;

    public EventEnvelope() {}

    public EventEnvelope(InteractionEvent event, long seq) {
        this.event = event;
        this.seq = seq;
    }

    public long time() {
        return event.getOccurredAt().toEpochMilli();
    }
}
