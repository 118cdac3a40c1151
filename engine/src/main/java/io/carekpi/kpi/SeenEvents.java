package io.carekpi.kpi;

import java.util.Arrays;

/**
 * The event ids one conversation has seen, as 64-bit hashes (a UUID string would cost five times
 * the state), remembered together until {@link #until}: as long as the conversation is (SPEC
 * section 2, Memory), so a re-delivery hours or days later is still a duplicate. The array grows
 * by doubling, so adding an id is amortised O(1) even for a conversation with thousands of
 * messages; only the first {@link #size} entries are used.
 */
public class SeenEvents {
    public long[] hashes = new long[4];
    public int size;
    /** The event time until which the ids are remembered (all of them: the conversation's memory). */
    public long until = Long.MIN_VALUE;

    public SeenEvents() {}

    public boolean contains(long hash) {
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash) {
                return true;
            }
        }
        return false;
    }

    /** Remembers an id, and every id seen so far, until at least {@code keepUntil}. */
    public void add(long hash, long keepUntil) {
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, Math.max(4, size * 2));
        }
        hashes[size++] = hash;
        until = Math.max(until, keepUntil);
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
