package io.carekpi.kpi;

import java.util.ArrayList;

/**
 * The compact form of a customer's ledger once only the openings of its conversations are left
 * and each is past {@code fcrWindow} (no verdict pending, no resolution that could make a new
 * contact a repeat, no opening a new contact could count as prior): they are kept only for a later
 * resolution of the same conversation (a reopened ticket), which needs its {@code repeat} flag and
 * prior contacts, until their {@code keepUntil}. Every field of each opening is kept, so the
 * ledger comes back unchanged. Plain Java; the customer stage stores the bytes with no timer.
 */
public final class RememberedOpenings {
    private static final int V1 = 1;

    private RememberedOpenings() {}

    /** True when only openings are left, each past {@code fcrWindowMs} at {@code t}. */
    public static boolean isSettled(CustomerLedger l, long t, long fcrWindowMs) {
        if (!l.pending.isEmpty() || !l.resolutions.isEmpty() || l.openings.isEmpty()) {
            return false;
        }
        for (CustomerLedger.Opening o : l.openings) {
            if (o.openedAt + fcrWindowMs >= t) {
                return false;
            }
        }
        return true;
    }

    public static byte[] encode(CustomerLedger l) {
        CompactBytes.Writer w = new CompactBytes.Writer();
        w.varint(V1);
        w.varint(l.openings.size());
        for (CustomerLedger.Opening o : l.openings) {
            w.text(o.conversationId);
            w.varlong(o.openedAt);
            w.signed(o.keepUntil - o.openedAt);
            w.varint(o.priorContacts);
            w.write(o.repeat ? 1 : 0);
        }
        return w.toByteArray();
    }

    /** The ledger of {@code customerId} with the openings whose time (see {@code FcrTracker}) has not passed {@code watermark}. */
    public static CustomerLedger decode(String customerId, byte[] bytes, long watermark, long fcrWindowMs) {
        CompactBytes.Reader r = new CompactBytes.Reader(bytes);
        int version = r.varint();
        if (version != V1) {
            throw new IllegalStateException("remembered openings of customer " + customerId
                    + ": unknown layout version " + version + " (state written by a newer build?)");
        }
        int n = r.varint();
        CustomerLedger l = new CustomerLedger();
        l.openings = new ArrayList<>(Math.min(n, 16));
        for (int i = 0; i < n; i++) {
            CustomerLedger.Opening o = new CustomerLedger.Opening();
            o.conversationId = r.text();
            o.openedAt = r.varlong();
            o.keepUntil = o.openedAt + r.signed();
            o.priorContacts = r.varint();
            o.repeat = r.next() != 0;
            if (!FcrTracker.forgotten(o, watermark, fcrWindowMs)) {
                l.openings.add(o);
            }
        }
        r.expectEnd("remembered openings of customer " + customerId);
        return l;
    }
}
