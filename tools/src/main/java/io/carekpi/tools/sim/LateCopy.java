package io.carekpi.tools.sim;

import io.carekpi.schema.InteractionEvent;
import java.time.Duration;
import java.util.Objects;

/**
 * A copy of a planned event that a source delivers {@code after} the original's arrival, with the
 * original's {@code eventId}: a webhook re-delivered hours later ({@code copy} is the original), or
 * a conflicting copy ({@code copy} differs in content). Either way a duplicate, ignored by the
 * engine: the first copy to arrive counts, and that is always the original.
 */
public record LateCopy(InteractionEvent original, InteractionEvent copy, Duration after) {
    public LateCopy {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(copy, "copy");
        if (!original.getEventId().equals(copy.getEventId())
                || !original.getConversationId().equals(copy.getConversationId())) {
            throw new IllegalArgumentException("a late copy keeps the original's eventId and conversationId");
        }
        if (after.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("a late copy arrives after its original");
        }
    }

    /** True for a re-delivery of the same content. */
    public boolean exact() {
        return copy.equals(original);
    }
}
