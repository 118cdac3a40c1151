package io.carekpi.events;

/**
 * What decoding one input record gave: the event, or why it cannot be used; exactly one of the two
 * is set. Sources decode as they read (a Kafka source must, to take watermarks per partition from
 * event time), so this is what every source emits. {@link #partition} is the Kafka partition it
 * was read from ({@link #NO_PARTITION} for files): with {@link #seq} (its offset there) it tells the
 * live watermarks how far the input has been read.
 */
public record Decoded(DecodedEvent event, Rejection rejection, int partition) {
    /** Read from no Kafka partition (a file, a test's collection). */
    public static final int NO_PARTITION = -1;

    public Decoded {
        if ((event == null) == (rejection == null)) {
            throw new IllegalArgumentException("a decoded input is an event or a rejection");
        }
    }

    public static Decoded event(DecodedEvent event) {
        return new Decoded(event, null, NO_PARTITION);
    }

    /** An event read from Kafka partition {@code partition}. */
    public static Decoded event(DecodedEvent event, int partition) {
        return new Decoded(event, null, partition);
    }

    public static Decoded rejected(Rejection rejection) {
        return new Decoded(null, rejection, NO_PARTITION);
    }

    /** A rejection of input read from Kafka partition {@code partition}. */
    public static Decoded rejected(Rejection rejection, int partition) {
        return new Decoded(null, rejection, partition);
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
