package io.carekpi.kpi;

import java.util.Arrays;

/**
 * The event ids one conversation has seen within the dedup horizon, as 64-bit hashes (a UUID
 * string would cost five times the state) with the event time until which each is remembered.
 * The arrays grow by doubling, so adding an id is amortised O(1) even for a conversation with
 * thousands of messages; only the first {@link #size} entries are used.
 */
public class SeenEvents {
    public long[] hashes = new long[4];
    public long[] until = new long[4];
    public int size;

    public SeenEvents() {}

    public boolean contains(long hash) {
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash) {
                return true;
            }
        }
        return false;
    }

    public void add(long hash, long keepUntil) {
        if (size == hashes.length) {
            int capacity = Math.max(4, size * 2);
            hashes = Arrays.copyOf(hashes, capacity);
            until = Arrays.copyOf(until, capacity);
        }
        hashes[size] = hash;
        until[size] = keepUntil;
        size++;
    }

    /** Forgets ids remembered until {@code t} or before; returns the earliest remaining, or MAX. */
    public long forgetUntil(long t) {
        int kept = 0;
        long next = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            if (until[i] > t) {
                hashes[kept] = hashes[i];
                until[kept] = until[i];
                next = Math.min(next, until[i]);
                kept++;
            }
        }
        size = kept;
        if (hashes.length > 16 && size < hashes.length / 4) {
            // give memory back once a burst of messages has been forgotten
            hashes = Arrays.copyOf(hashes, Math.max(4, size * 2));
            until = Arrays.copyOf(until, hashes.length);
        }
        return next;
    }

    public boolean isEmpty() {
        return size == 0;
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
