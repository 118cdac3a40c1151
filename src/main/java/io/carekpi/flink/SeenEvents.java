package io.carekpi.flink;

/**
 * The event ids one conversation has seen within the dedup horizon, as 64-bit hashes (a UUID
 * string would cost five times the state) with the event time until which each is remembered.
 */
public class SeenEvents {
    public long[] hashes = new long[0];
    public long[] until = new long[0];

    public SeenEvents() {}

    public boolean contains(long hash) {
        for (long h : hashes) {
            if (h == hash) {
                return true;
            }
        }
        return false;
    }

    public void add(long hash, long keepUntil) {
        int n = hashes.length;
        hashes = java.util.Arrays.copyOf(hashes, n + 1);
        until = java.util.Arrays.copyOf(until, n + 1);
        hashes[n] = hash;
        until[n] = keepUntil;
    }

    /** Forgets ids remembered until {@code t} or before; returns the earliest remaining, or MAX. */
    public long forgetUntil(long t) {
        int kept = 0;
        long next = Long.MAX_VALUE;
        for (int i = 0; i < hashes.length; i++) {
            if (until[i] > t) {
                hashes[kept] = hashes[i];
                until[kept] = until[i];
                next = Math.min(next, until[i]);
                kept++;
            }
        }
        hashes = java.util.Arrays.copyOf(hashes, kept);
        until = java.util.Arrays.copyOf(until, kept);
        return next;
    }

    public boolean isEmpty() {
        return hashes.length == 0;
    }

    /** 64-bit FNV-1a of the id's characters. */
    public static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
