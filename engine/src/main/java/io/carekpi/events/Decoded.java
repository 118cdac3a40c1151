package io.carekpi.events;

/**
 * What decoding one input record gave: the event, or why it cannot be used; exactly one of the two
 * is set. Sources decode as they read (a Kafka source must, to take watermarks per partition from
 * event time), so this is what every source emits.
 */
public record Decoded(DecodedEvent event, Rejection rejection) {

    public Decoded {
        if ((event == null) == (rejection == null)) {
            throw new IllegalArgumentException("a decoded input is an event or a rejection");
        }
    }

    public static Decoded event(DecodedEvent event) {
        return new Decoded(event, null);
    }

    public static Decoded rejected(Rejection rejection) {
        return new Decoded(null, rejection);
    }

    public boolean isRejected() {
        return rejection != null;
    }

    /** The record's position in its input (line or record number, partition offset). */
    public long seq() {
        return event != null ? event.seq() : rejection.seq();
    }

    /** The event's time, or {@link Long#MIN_VALUE} for a rejection (it moves no watermark). */
    public long eventTime() {
        return event != null ? event.time() : Long.MIN_VALUE;
    }
}
