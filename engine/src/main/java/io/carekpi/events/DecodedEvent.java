package io.carekpi.events;

import io.carekpi.schema.InteractionEvent;

/**
 * A decoded, valid event with its input position ({@link #seq}, the tie-breaker for events of one
 * conversation at the same instant). What every stage after decoding receives.
 */
public record DecodedEvent(InteractionEvent event, long seq) {

    /** The event time ({@code occurredAt}) in epoch milliseconds. */
    public long time() {
        return event.getOccurredAt().toEpochMilli();
    }

    public String conversationId() {
        return event.getConversationId();
    }
}
