package io.carekpi.flink;

/**
 * Which window of a grouping the window stage means: the size (its index in the configured
 * {@code windows}) and the window's start.
 *
 * <p>Kept in keyed state as one {@code long}, {@code start * MAX_SIZES + sizeIndex}: the keys of
 * {@link WindowedKpiFunction}'s {@code windows} and {@code dirty} map states. That is the form
 * savepoints already hold (the kept v1 savepoint of the system tests among them), so
 * {@link #encode()} and {@link #decode(long)} must keep it; changing it needs a state migration.
 * Window starts may be negative (before 1970): decoding rounds towards negative infinity.
 */
record WindowKey(int sizeIndex, long start) {
    /** At most this many window sizes; the encoding's multiplier, so part of the stored form. */
    static final int MAX_SIZES = 16;

    WindowKey {
        if (sizeIndex < 0 || sizeIndex >= MAX_SIZES) {
            throw new IllegalArgumentException("window size index " + sizeIndex + " not in [0, " + MAX_SIZES + ")");
        }
    }

    /** The key's stored form. */
    long encode() {
        return start * MAX_SIZES + sizeIndex;
    }

    /** The key of a stored form written by {@link #encode()}. */
    static WindowKey decode(long stored) {
        return new WindowKey((int) Math.floorMod(stored, (long) MAX_SIZES), Math.floorDiv(stored, (long) MAX_SIZES));
    }
}
