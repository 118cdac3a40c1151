package io.carekpi.flink;

import io.carekpi.schema.InteractionEvent;

/**
 * The v1 layout of a buffered event in the conversation stage, kept only so that savepoints of
 * builds before {@link io.carekpi.events.DecodedEvent} restore: {@link ConversationFunction#migrate}
 * reads it once at restore. Its name, package and fields are what those savepoints name; do not
 * change them. Remove it with the last supported savepoint of that layout.
 *
 * @deprecated v1 state layout, read only by the state migration
 */
@Deprecated
public class EventEnvelope {
    public InteractionEvent event;
    public long seq;

    public EventEnvelope() {}
}
