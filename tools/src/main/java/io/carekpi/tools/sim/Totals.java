package io.carekpi.tools.sim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One immutable set of expected values, a value per {@link LedgerField} (zero when nothing
 * happened), for one range and grouping of an {@link ExpectedLedger}.
 */
public final class Totals {
    private static final LedgerField[] FIELDS = LedgerField.values();
    static final Totals ZERO = new Totals(new long[FIELDS.length]);

    private final long[] values;

    Totals(long[] values) {
        this.values = values;
    }

    public long get(LedgerField f) {
        return values[f.ordinal()];
    }

    /** Field name to value, in {@link LedgerField} order. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (LedgerField f : FIELDS) {
            m.put(f.field(), values[f.ordinal()]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** These totals combined with {@code other} field by field (sums, max for frt_max_ms). */
    public Totals plus(Totals other) {
        long[] v = values.clone();
        for (LedgerField f : FIELDS) {
            v[f.ordinal()] = f.combine(v[f.ordinal()], other.values[f.ordinal()]);
        }
        return new Totals(v);
    }

    public boolean isZero() {
        return Arrays.stream(values).allMatch(x -> x == 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Totals t && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** Mutable accumulator used while the ledger is built. */
    static final class Mutable {
        final long[] values = new long[FIELDS.length];

        void add(LedgerField f, long v) {
            values[f.ordinal()] = f.combine(values[f.ordinal()], v);
        }

        Totals freeze() {
            return new Totals(values.clone());
        }
    }
}
