package io.carekpi.tools.sim;

/** Durations in milliseconds, the simulator's unit of time. */
final class Millis {
    static final long SECOND = 1_000L;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;

    private Millis() {}
}
