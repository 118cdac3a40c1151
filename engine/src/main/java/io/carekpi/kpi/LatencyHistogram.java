package io.carekpi.kpi;

import java.util.Arrays;

/**
 * A small mergeable histogram of non-negative millisecond values for percentiles (FRT p50/p90).
 *
 * <p>Values below 128 ms have a bucket each; above, every power of two is split into 64 buckets, so
 * a reported percentile is at most 1/64 (1.6 %) above the true value. Buckets are kept sparse in two
 * sorted arrays, so a window with a handful of samples costs a handful of entries. Exact sums and
 * maxima live in {@link KpiCounters}; this class only answers percentiles.
 */
public class LatencyHistogram {
    private static final int SUB_BUCKETS = 64;
    private static final int EXACT_LIMIT = 2 * SUB_BUCKETS;

    /** Sorted bucket indexes in use. Public for Flink's POJO serializer. */
    public int[] buckets = new int[0];
    /** counts[i] belongs to buckets[i]. */
    public long[] counts = new long[0];

    public LatencyHistogram() {}

    static int bucketOf(long value) {
        long v = Math.max(0, value);
        if (v < EXACT_LIMIT) {
            return (int) v;
        }
        int log2 = 63 - Long.numberOfLeadingZeros(v);
        int shift = log2 - 6;
        return shift * SUB_BUCKETS + (int) (v >>> shift);
    }

    /** The largest value that falls into the bucket. */
    static long upperBoundOf(int bucket) {
        if (bucket < EXACT_LIMIT) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKETS - 1;
        long mantissa = bucket - (long) shift * SUB_BUCKETS;
        return ((mantissa + 1) << shift) - 1;
    }

    public void add(long value) {
        add(bucketOf(value), 1);
    }

    private void add(int bucket, long count) {
        int i = Arrays.binarySearch(buckets, bucket);
        if (i >= 0) {
            counts[i] += count;
            return;
        }
        int at = -i - 1;
        int n = buckets.length;
        int[] nb = new int[n + 1];
        long[] nc = new long[n + 1];
        System.arraycopy(buckets, 0, nb, 0, at);
        System.arraycopy(counts, 0, nc, 0, at);
        nb[at] = bucket;
        nc[at] = count;
        System.arraycopy(buckets, at, nb, at + 1, n - at);
        System.arraycopy(counts, at, nc, at + 1, n - at);
        buckets = nb;
        counts = nc;
    }

    public void merge(LatencyHistogram other) {
        for (int i = 0; i < other.buckets.length; i++) {
            add(other.buckets[i], other.counts[i]);
        }
    }

    public long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /**
     * Nearest-rank percentile: the smallest bucket whose cumulative count reaches
     * {@code ceil(p * n)}, reported as that bucket's upper bound, capped at {@code max}.
     * Returns null when empty.
     */
    public Long percentile(double p, long max) {
        long n = total();
        if (n == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(p * n));
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBoundOf(buckets[i]), max);
            }
        }
        return max;
    }
}
